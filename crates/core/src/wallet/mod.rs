//! The wallet's cryptography: BIP-39 mnemonics, BIP-32/BIP-44 derivation, Web3 Secret Storage
//! (keystore v3) and EIP-191 message signatures. Entropy, salts and IVs are parameters: the app
//! takes them from the browser's cryptographic RNG.
//!
//! From a recovery phrase to a signed transaction and a signed message, and back to the signer:
//!
//! ```
//! use blocklab_core::tx::{Eip1559Tx, SignedTx, Transaction, U256};
//! use blocklab_core::wallet::{message, Account, Mnemonic, PathPreset};
//!
//! // The public development phrase (never hold real funds with it). Input is taken as typed:
//! // the core normalises it (NFKD), ignores case and extra white space.
//! let phrase = "test test test test test test test test test test test junk";
//! let seed = Mnemonic::parse(phrase)?.to_seed("")?;
//! let account = Account::derive(&seed, &PathPreset::Bip44.path(0).parse()?)?;
//! assert_eq!(account.address.to_string(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
//!
//! // A transaction: sign, send the raw bytes anywhere, decode and recover the sender.
//! let tx = Transaction::from(Eip1559Tx {
//!     chain_id: 31337,
//!     nonce: 0,
//!     max_priority_fee_per_gas: 1_000_000_000,
//!     max_fee_per_gas: 2_000_000_000,
//!     gas_limit: 21_000,
//!     to: Some("0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse()?),
//!     value: U256::from(10u64).pow(U256::from(18u64)),
//!     data: vec![],
//!     access_list: vec![],
//! });
//! let raw = tx.sign(&account)?.raw();
//! let received = SignedTx::decode_raw(&raw)?.recover()?;
//! assert_eq!(received.sender(), account.address);
//!
//! // A message (EIP-191 personal_sign): the same signature and recovered-signer types.
//! let signature = message::sign_message(&account, "hello")?;
//! let signer = message::recover_message("hello", &signature)?;
//! assert_eq!(signer.address(), account.address);
//! assert_eq!(signer.public_key(), received.signer().public_key());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod hd;
pub mod keystore;
pub mod message;
pub mod mnemonic;
pub mod stored;
pub mod vault;

pub use crate::signature::{RecoveredSigner, Signature, SignatureError};
pub use hd::{secret_hex, Account, DerivationPath, HdError, PathPreset};
pub use keystore::{Keystore, KeystoreError, ScryptParams};
pub use mnemonic::{nfkd, set_platform_nfkd, Mnemonic, MnemonicError, PlatformNfkd, Seed};
