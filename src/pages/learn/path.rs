//! The words of the guided path: for each step a title, at most ~120 words, an optional small
//! diagram, and what its Try it opens and fills.

use blocklab_core::learn::Step;

use crate::platform::route::{ExplorerPage, LearnPage, Route};

/// The public development phrase (anvil, Hardhat): fine to prefill, never a real wallet.
pub const DEV_PHRASE: &str = "test test test test test test test test test test test junk";
/// The public development phrase's second account: the Try it transfer's recipient.
pub const DEV_ACCOUNT_1: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/// What a Try it does.
pub struct TryIt {
    pub route: Route,
    /// Fields to fill (`data-testid`, value).
    pub fill: Vec<(&'static str, String)>,
    /// What to focus when nothing is filled (a button to press next).
    pub focus: Option<&'static str>,
    /// What to do there, in a few words.
    pub hint: &'static str,
}

/// A step's words.
pub struct Lesson {
    pub title: &'static str,
    pub body: &'static str,
    /// A small text diagram, shown in a `<pre>`.
    pub diagram: Option<&'static str>,
}

/// The words of `step`.
pub fn lesson(step: Step) -> Lesson {
    let (title, body, diagram) = match step {
        Step::Hashing => ("Hashing", "A hash function turns any input into a fixed-size fingerprint: SHA-256 and Keccak-256 always give 256 bits, whether you hash one letter or a whole book. The same input always gives the same hash, but change a single character and about half of the bits flip, so nobody can guess an input from its hash or find two inputs with the same one. Blockchains use hashes to name blocks and to make any edit visible.", Some("\"hello\"  --SHA-256-->  2cf24dba…9824  (always 64 hex digits)")),
        Step::Block => ("A block and its hash", "A block bundles records (who pays whom) with a header: its height, a timestamp, the hash of the block before it, a nonce and a fingerprint of its records. The block's hash is the SHA-256 of that header. Change any record and the fingerprint changes, so the block hash changes too. Add a record and put it into a block.", Some("header = height | time | previous hash | records root | nonce\nhash   = SHA-256(header)")),
        Step::Chain => ("A chain and its validation", "Each block stores the hash of its parent, so blocks form a chain back to the first one (genesis). Validating a chain means recomputing every hash and checking every link and rule from genesis to the tip. The lab checks every block and lists every problem it finds. Press Validate chain.", Some("[genesis] <- [block 1] <- [block 2] <- [block 3]\n   each block stores its parent's hash")),
        Step::Tampering => ("Tampering", "What if someone edits an old record? The edited block's records no longer match its header, and its hash changes, so the next block's link to it breaks, and every block after it builds on a broken one. Turn on tamper mode, edit a record in an old block and watch validation name the broken blocks.", Some("[0] <- [1*] <-x- [2] <- [3]\n        edited: block 2's link no longer matches")),
        Step::ProofOfWork => ("Proof of work", "To add a block, a miner must find a nonce that makes the block hash start with a number of zero bits: the difficulty. The only way is to try nonce after nonce; each extra zero bit doubles the expected work. Re-doing the work for an edited block and every block after it is what makes tampering expensive. Set a difficulty and mine.", Some("SHA-256(header with nonce 0) = 7f3a…  no\nSHA-256(header with nonce 1) = c012…  no\n…\nSHA-256(header with nonce n) = 000f…  yes: 12 leading zero bits")),
        Step::ProofOfStake => ("Proof of stake", "Instead of spending work, validators lock up coins (stake). Each slot one validator, picked in proportion to its stake, signs a block; committees vote for the head they see and for a checkpoint each epoch. A checkpoint backed by 2/3 of the stake is justified, and finalized when the next one is justified too: no honest node ever reverts it. Signing two conflicting messages is proof of cheating and costs stake. Choose Proof of stake, press Run and watch an epoch finalize.", Some("slot: proposer signs a block -> committee votes
epoch: 2/3 of stake votes -> justified -> next justified -> finalized")),
        Step::Nodes => ("Replicated nodes and consensus", "A blockchain runs on many computers (nodes) that each keep a copy and check every block themselves. When two miners find blocks at once, nodes temporarily disagree; each follows the chain with the most work, so they converge. Cut links between simulated nodes, mine on both sides, heal the network and watch them agree again.", None),
        Step::Keys => ("Key pairs", "An Ethereum account is a key pair. The private key is a random 256-bit number you keep secret; the public key is a point on the secp256k1 curve computed from it, easy one way and practically impossible to reverse. The address is the last 20 bytes of the Keccak-256 hash of the public key. A signature proves you hold the private key without showing it.", Some("private key --(curve)--> public key --(Keccak-256, last 20 bytes)--> address")),
        Step::Mnemonic => ("A wallet from a mnemonic", "Writing down 64 hex digits is error-prone, so wallets use a recovery phrase of 12 or 24 words (BIP-39). The phrase becomes a seed, and the seed derives a whole tree of key pairs (BIP-32) along standard paths like m/44'/60'/0'/0/0 (BIP-44). The same phrase gives the same accounts in any wallet. Import the public test phrase below (never use it for real money).", Some("12 words -> seed -> m/44'/60'/0'/0/0 -> account 0\n                  -> m/44'/60'/0'/0/1 -> account 1")),
        Step::Signing => ("Signing and verifying a transaction", "A transaction says: from this account, send this value to that address, with this nonce and fee. The wallet signs its hash with the private key; anyone can recover the signer's address from the signature and check it against the sender. Change one field and the recovered address changes. Sign a transaction and verify it.", None),
        Step::Mempool => ("The mempool and a block", "Signed transactions wait in the mempool. A miner picks the best-paying ones whose nonce and balance rules hold, puts them into a block and earns the fees. Once the block is on the chain, balances change. Sign a transaction, then mine a block that includes it.", Some("wallet --signed tx--> mempool --miner picks--> block --> balances change")),
        Step::TestNetwork => ("A real test network", "Everything so far ran in this tab. The same signed transactions work on a real Ethereum node: a local one (anvil, Hardhat) or a public test network through its JSON-RPC URL. Connect, compare your balances, and send.", None),
        Step::Explorer => ("The block explorer", "A block explorer is a search engine over a chain: look up a block by height, a transaction by hash, or an address to see its balance and history. Open the explorer and follow a transaction from its block to its sender.", None),
    };
    Lesson {
        title,
        body,
        diagram,
    }
}

/// What the Try it of `step` opens and fills (`None`: not available yet).
pub fn try_it(step: Step) -> Option<TryIt> {
    let t = |route, fill: Vec<(&'static str, String)>, focus, hint| {
        Some(TryIt {
            route,
            fill,
            focus,
            hint,
        })
    };
    match step {
        Step::Hashing => t(
            Route::Learn(LearnPage::Hash),
            vec![("hash-input", "Hello, blocklab".to_owned())],
            None,
            "change one character",
        ),
        Step::Block => t(
            Route::Ledger,
            vec![
                ("record-sender", "alice".to_owned()),
                ("record-receiver", "bob".to_owned()),
                ("record-amount", "1.5".to_owned()),
                ("record-memo", "my first block".to_owned()),
            ],
            Some("add-record"),
            "add the record, then mine it into a block",
        ),
        Step::Chain => t(
            Route::Ledger,
            vec![],
            Some("validate-button"),
            "press Validate chain",
        ),
        Step::Tampering => t(
            Route::Ledger,
            vec![],
            Some("tamper-toggle"),
            "turn on tamper mode and edit a record",
        ),
        Step::ProofOfWork => t(
            Route::Ledger,
            vec![("difficulty-input", "12".to_owned())],
            Some("mine-button"),
            "mine a block at 12 bits",
        ),
        Step::ProofOfStake => t(
            Route::Nodes,
            vec![],
            Some("mode-pos"),
            "choose Proof of stake, press Run and watch an epoch finalize",
        ),
        Step::Nodes => t(
            Route::Nodes,
            vec![],
            None,
            "cut a link, mine on both sides, heal",
        ),
        Step::Keys => t(
            Route::Learn(LearnPage::Keys),
            vec![],
            Some("keys-random"),
            "make a key and sign",
        ),
        Step::Mnemonic => t(
            Route::Wallet,
            vec![("import-phrase", DEV_PHRASE.to_owned())],
            Some("import-password"),
            "choose a password and import",
        ),
        Step::Signing => t(
            Route::Transactions,
            vec![
                ("send-to", DEV_ACCOUNT_1.to_owned()),
                ("send-amount", "1.5".to_owned()),
            ],
            Some("send-sign"),
            "unlock your wallet, then sign the transfer",
        ),
        Step::Mempool => t(
            Route::Transactions,
            vec![],
            None,
            "sign, then mine it on the Ledger",
        ),
        Step::TestNetwork => t(
            Route::Network,
            vec![("rpc-url", "http://127.0.0.1:8545".to_owned())],
            None,
            "start anvil, then connect",
        ),
        Step::Explorer => t(
            Route::Explorer(ExplorerPage::Overview),
            vec![],
            None,
            "search a block or an address",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_short_words_and_a_try_it_unless_it_is_coming() {
        for step in Step::ALL {
            let l = lesson(step);
            let words = l.body.split_whitespace().count();
            assert!(words <= 125, "{}: {words} words", l.title);
            assert_eq!(try_it(step).is_some(), step.available(), "{}", l.title);
        }
    }
}
