//! BIP-32 hierarchical deterministic keys (through the `bip32` crate) and BIP-44 Ethereum
//! accounts.

use core::fmt;
use core::str::FromStr;

use bip32::{ChildNumber, ExtendedKey, Prefix, PrivateKey as _, PublicKey as _, XPrv, XPub};
use k256::ecdsa::SigningKey;
use k256::elliptic_curve::sec1::ToSec1Point;
use zeroize::{Zeroize, Zeroizing};

use super::mnemonic::Seed;
use crate::address::Address;

/// Deepest path accepted (BIP-32 depth is one byte; real wallets use 5 or 6).
pub const MAX_DEPTH: usize = 255;

/// Why a derivation path, key or derivation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HdError {
    /// The path does not start with `m`.
    MissingRoot,
    /// A path component is not a number, optionally followed by `'` or `h`.
    BadComponent { position: usize, text: String },
    /// A component is 2^31 or more (hardening is written with `'`, not by adding 2^31).
    IndexTooLarge { position: usize },
    /// More than [`MAX_DEPTH`] levels.
    TooDeep,
    /// A private key that is not 32 bytes of hex.
    BadPrivateKeyHex,
    /// 32 bytes that are zero or not below the curve order.
    InvalidPrivateKey,
    /// An extended key (xprv/xpub) that does not parse or is inconsistent.
    BadExtendedKey { reason: String },
    /// Derivation produced an invalid key (probability about 2^-127; BIP-32 says skip it).
    Derivation,
}

impl fmt::Display for HdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingRoot => f.write_str("a derivation path starts with m, as in m/44'/60'/0'/0/0"),
            Self::BadComponent { position, text } => write!(
                f,
                "path level {position} (\"{text}\") is not a number optionally followed by ' (hardened)"
            ),
            Self::IndexTooLarge { position } => {
                write!(f, "path level {position} is too large (indices are below 2147483648)")
            }
            Self::TooDeep => write!(f, "a derivation path has at most {MAX_DEPTH} levels"),
            Self::BadPrivateKeyHex => f.write_str("a private key is 64 hex digits (32 bytes), optionally after 0x"),
            Self::InvalidPrivateKey => f.write_str("that number is not a valid secp256k1 private key"),
            Self::BadExtendedKey { reason } => write!(f, "invalid extended key: {reason}"),
            Self::Derivation => f.write_str("this path gives an invalid key; use the next index"),
        }
    }
}

impl std::error::Error for HdError {}

/// A parsed BIP-32 path such as `m/44'/60'/0'/0/0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivationPath(Vec<ChildNumber>);

impl FromStr for DerivationPath {
    type Err = HdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.trim().split('/');
        if !matches!(parts.next().map(str::trim), Some("m" | "M")) {
            return Err(HdError::MissingRoot);
        }
        let mut out = Vec::new();
        for (i, raw) in parts.enumerate() {
            let position = i + 1;
            let text = raw.trim();
            let (digits, hardened) = match text.strip_suffix(['\'', 'h', 'H']) {
                Some(d) => (d, true),
                None => (text, false),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(HdError::BadComponent {
                    position,
                    text: text.to_owned(),
                });
            }
            let index: u32 = digits
                .parse()
                .map_err(|_| HdError::IndexTooLarge { position })?;
            let child = ChildNumber::new(index, hardened)
                .map_err(|_| HdError::IndexTooLarge { position })?;
            out.push(child);
            if out.len() > MAX_DEPTH {
                return Err(HdError::TooDeep);
            }
        }
        Ok(Self(out))
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for c in &self.0 {
            write!(
                f,
                "/{}{}",
                c.index(),
                if c.is_hardened() { "'" } else { "" }
            )?;
        }
        Ok(())
    }
}

/// Path layouts wallets use for account `i` of the same phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPreset {
    /// BIP-44 as MetaMask, ethers and most wallets use it: `m/44'/60'/0'/0/i`.
    Bip44,
    /// Ledger Live: `m/44'/60'/i'/0/0`.
    LedgerLive,
    /// Legacy Ledger / MyEtherWallet: `m/44'/60'/0'/i`.
    LedgerLegacy,
}

impl PathPreset {
    /// Every preset.
    pub const ALL: [PathPreset; 3] = [Self::Bip44, Self::LedgerLive, Self::LedgerLegacy];

    /// The path of account `i`.
    pub fn path(self, i: u32) -> String {
        match self {
            Self::Bip44 => format!("m/44'/60'/0'/0/{i}"),
            Self::LedgerLive => format!("m/44'/60'/{i}'/0/0"),
            Self::LedgerLegacy => format!("m/44'/60'/0'/{i}"),
        }
    }

    /// A label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Self::Bip44 => "BIP-44 (MetaMask, ethers): m/44'/60'/0'/0/i",
            Self::LedgerLive => "Ledger Live: m/44'/60'/i'/0/0",
            Self::LedgerLegacy => "Legacy Ledger / MEW: m/44'/60'/0'/i",
        }
    }
}

/// One key pair with its address. `Debug` never shows the private key.
#[derive(Clone)]
pub struct Account {
    /// The derivation path, or `None` for an imported single key.
    pub path: Option<String>,
    key: SigningKey,
    pub address: Address,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("path", &self.path)
            .field("address", &self.address)
            .field("key", &"redacted")
            .finish()
    }
}

impl Account {
    fn from_signing_key(key: SigningKey, path: Option<String>) -> Self {
        let public = k256::PublicKey::from(key.verifying_key());
        Self {
            path,
            address: Address::from_public_key(&public),
            key,
        }
    }

    /// Derives the account at `path` from a BIP-39 seed.
    ///
    /// # Errors
    /// [`HdError::Derivation`] in the (astronomically unlikely) case BIP-32 gives no key.
    pub fn derive(seed: &Seed, path: &DerivationPath) -> Result<Self, HdError> {
        Self::derive_many(seed, std::slice::from_ref(path))?
            .pop()
            .ok_or(HdError::Derivation)
    }

    /// Derives several accounts, reusing the keys of a shared path prefix.
    ///
    /// Every elliptic-curve multiplication counts in the browser. `XPrv<SigningKey>` pays one
    /// at every step (a `SigningKey` computes its public key when made). Accounts need no
    /// fingerprints, so here each step is the bare BIP-32 CKDpriv of the `bip32` crate
    /// (`derive_tweak` + `derive_child`) on a `SecretKey`: a hardened step costs no
    /// multiplication, a non-hardened one takes the parent's public key, computed once per parent
    /// and shared by its
    /// children; only the accounts themselves become `SigningKey`s. Ten BIP-44 accounts cost 13
    /// multiplications (master and addresses included) instead of 15.
    ///
    /// # Errors
    /// [`HdError::Derivation`] in the (astronomically unlikely) case BIP-32 gives no key.
    pub fn derive_many(seed: &Seed, paths: &[DerivationPath]) -> Result<Vec<Self>, HdError> {
        let master = XPrv::new(seed.as_bytes()).map_err(|_| HdError::Derivation)?;
        let mut root = Node::new(
            k256::SecretKey::from(master.private_key()),
            master.attrs().chain_code,
        );
        // The nodes along the current path, below the master.
        let mut chain: Vec<(ChildNumber, Node)> = Vec::new();
        let mut out = Vec::with_capacity(paths.len());
        for path in paths {
            let common = chain
                .iter()
                .zip(&path.0)
                .take_while(|((c, _), p)| c == *p)
                .count();
            chain.truncate(common);
            for child in &path.0[common..] {
                let parent = chain.last_mut().map_or(&mut root, |(_, n)| n);
                let next = parent.child(*child)?;
                chain.push((*child, next));
            }
            let node = chain.last().map_or(&root, |(_, n)| n);
            out.push(Self::from_node(node, path));
        }
        Ok(out)
    }

    fn from_node(node: &Node, path: &DerivationPath) -> Self {
        Self::from_signing_key(SigningKey::from(&node.key), Some(path.to_string()))
    }

    /// An account from a raw private key in hex (imported keys).
    ///
    /// # Errors
    /// [`HdError::BadPrivateKeyHex`], [`HdError::InvalidPrivateKey`].
    pub fn from_private_key_hex(text: &str) -> Result<Self, HdError> {
        let t = text.trim();
        let digits = t.strip_prefix("0x").unwrap_or(t);
        let mut bytes = Zeroizing::new([0u8; 32]);
        if digits.len() != 64 || hex::decode_to_slice(digits, bytes.as_mut()).is_err() {
            return Err(HdError::BadPrivateKeyHex);
        }
        Self::from_private_key(&bytes)
    }

    /// An account from 32 private key bytes.
    ///
    /// # Errors
    /// [`HdError::InvalidPrivateKey`] for zero or a value not below the curve order.
    pub fn from_private_key(bytes: &[u8; 32]) -> Result<Self, HdError> {
        let key = SigningKey::from_slice(bytes).map_err(|_| HdError::InvalidPrivateKey)?;
        Ok(Self::from_signing_key(key, None))
    }

    /// The signing key (secret; used by message and transaction signing).
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The private key bytes (secret: wiped on drop).
    pub fn private_key_bytes(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        let mut bytes = self.key.to_bytes();
        out.copy_from_slice(&bytes);
        bytes.as_mut_slice().zeroize();
        out
    }

    /// The private key as `0x` + 64 hex digits, as wallets export it (secret: wiped on drop).
    pub fn private_key_hex(&self) -> Zeroizing<String> {
        secret_hex(self.private_key_bytes().as_slice())
    }

    /// The 33-byte compressed public key as `0x…` hex.
    pub fn public_key_compressed(&self) -> String {
        let public = k256::PublicKey::from(self.key.verifying_key());
        format!("0x{}", hex::encode(public.to_sec1_point(true).as_bytes()))
    }

    /// The 65-byte uncompressed public key as `0x04…` hex.
    pub fn public_key_uncompressed(&self) -> String {
        let public = k256::PublicKey::from(self.key.verifying_key());
        format!("0x{}", hex::encode(public.to_sec1_point(false).as_bytes()))
    }
}

/// `0x` + the lower-case hex of secret bytes, built in a buffer of its final size (a growing
/// buffer would leave partial copies in freed memory) and wiped on drop.
pub fn secret_hex(bytes: &[u8]) -> Zeroizing<String> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Zeroizing::new(String::with_capacity(2 + 2 * bytes.len()));
    out.push_str("0x");
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The BIP-32 master key of a seed as an `xprv` string (secret).
///
/// # Errors
/// [`HdError::Derivation`].
pub fn master_xprv(seed: &[u8]) -> Result<Zeroizing<String>, HdError> {
    let key = XPrv::new(seed).map_err(|_| HdError::Derivation)?;
    Ok(key.to_string(Prefix::XPRV))
}

/// Derives `path` from `seed` and returns the (xprv, xpub) pair, as BIP-32's test vectors list.
///
/// # Errors
/// [`HdError::Derivation`].
pub fn derive_extended(
    seed: &[u8],
    path: &DerivationPath,
) -> Result<(Zeroizing<String>, String), HdError> {
    let mut key = XPrv::new(seed).map_err(|_| HdError::Derivation)?;
    for child in &path.0 {
        key = key.derive_child(*child).map_err(|_| HdError::Derivation)?;
    }
    let xpub = key.public_key().to_string(Prefix::XPUB);
    Ok((key.to_string(Prefix::XPRV), xpub))
}

/// Parses an `xprv…` or `xpub…` string, applying every BIP-32 consistency rule (version
/// matches the key kind, a depth-0 key has no parent fingerprint and index 0, the key is valid).
///
/// # Errors
/// [`HdError::BadExtendedKey`] with the reason.
pub fn parse_extended_key(text: &str) -> Result<(), HdError> {
    let bad = |reason: &str| HdError::BadExtendedKey {
        reason: reason.to_owned(),
    };
    let key = ExtendedKey::from_str(text.trim()).map_err(|e| bad(&format!("{e}")))?;
    if key.attrs.depth == 0
        && (key.attrs.parent_fingerprint != [0; 4] || key.attrs.child_number.0 != 0)
    {
        return Err(bad(
            "a master key (depth 0) must have a zero parent fingerprint and index",
        ));
    }
    if key.prefix.is_private() {
        XPrv::try_from(key).map_err(|_| bad("private key data is invalid"))?;
    } else if key.prefix.is_public() {
        XPub::try_from(key).map_err(|_| bad("public key data is invalid"))?;
    } else {
        return Err(bad("unknown version"));
    }
    Ok(())
}

/// One BIP-32 node during derivation: the secret scalar (a `SecretKey`, which unlike a
/// `SigningKey` computes no public key when made), its chain code, and its public key once
/// computed.
struct Node {
    key: k256::SecretKey,
    chain_code: bip32::ChainCode,
    public: Option<k256::PublicKey>,
}

impl Node {
    fn new(key: k256::SecretKey, chain_code: bip32::ChainCode) -> Self {
        Self {
            key,
            chain_code,
            public: None,
        }
    }

    /// The public key, computed on first use (one curve multiplication).
    fn public(&mut self) -> &k256::PublicKey {
        self.public.get_or_insert_with(|| self.key.public_key())
    }

    /// BIP-32 CKDpriv through the `bip32` crate's own tweak and key addition.
    fn child(&mut self, child: ChildNumber) -> Result<Self, HdError> {
        let chain_code = self.chain_code;
        let (tweak, chain_code) = if child.is_hardened() {
            self.key.derive_tweak(&chain_code, child)
        } else {
            self.public().derive_tweak(&chain_code, child)
        }
        .map_err(|_| HdError::Derivation)?;
        let key = self
            .key
            .derive_child(tweak)
            .map_err(|_| HdError::Derivation)?;
        Ok(Self::new(key, chain_code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::mnemonic::Mnemonic;

    #[test]
    fn paths_parse_and_print() {
        let p: DerivationPath = "m/44'/60'/0'/0/7".parse().unwrap();
        assert_eq!(p.to_string(), "m/44'/60'/0'/0/7");
        assert_eq!("m/44h/60H/0'/0/7".parse::<DerivationPath>().unwrap(), p);
        assert_eq!("m".parse::<DerivationPath>().unwrap().to_string(), "m");
        assert_eq!(
            "44'/60'".parse::<DerivationPath>(),
            Err(HdError::MissingRoot)
        );
        assert_eq!(
            "m/44'/x/0".parse::<DerivationPath>(),
            Err(HdError::BadComponent {
                position: 2,
                text: "x".into()
            })
        );
        assert_eq!(
            "m/2147483648".parse::<DerivationPath>(),
            Err(HdError::IndexTooLarge { position: 1 })
        );
        assert_eq!(
            "m/99999999999".parse::<DerivationPath>(),
            Err(HdError::IndexTooLarge { position: 1 })
        );
        assert_eq!(
            "m//1".parse::<DerivationPath>(),
            Err(HdError::BadComponent {
                position: 1,
                text: String::new()
            })
        );
        for preset in PathPreset::ALL {
            assert!(preset.path(3).parse::<DerivationPath>().is_ok());
        }
    }

    #[test]
    fn private_key_import_rules() {
        assert_eq!(
            Account::from_private_key_hex("0x12").unwrap_err(),
            HdError::BadPrivateKeyHex
        );
        assert_eq!(
            Account::from_private_key_hex(&"0".repeat(64)).unwrap_err(),
            HdError::InvalidPrivateKey
        );
        assert_eq!(
            Account::from_private_key_hex(&"f".repeat(64)).unwrap_err(),
            HdError::InvalidPrivateKey
        );
        let a = Account::from_private_key_hex(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        )
        .unwrap();
        assert_eq!(
            a.address.to_string(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        assert!(!format!("{a:?}").contains("ac0974"));
    }

    #[test]
    fn debug_never_shows_the_private_key() {
        let seed = Mnemonic::parse("test test test test test test test test test test test junk")
            .unwrap()
            .to_seed("")
            .unwrap();
        let derived = Account::derive(&seed, &"m/44'/60'/0'/0/0".parse().unwrap()).unwrap();
        let imported = Account::from_private_key_hex(
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        )
        .unwrap();
        for account in [derived, imported] {
            let key = account.private_key_bytes();
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            // The bytes as `[u8; 32]` would print in `Debug` (e.g. `[172, 9, 116, ...`).
            let decimal = format!("{:?}", &key[..4]);
            let decimal = decimal.trim_end_matches(']');
            for text in [format!("{account:?}"), format!("{account:#?}")] {
                assert!(text.contains("redacted"), "{text}");
                assert!(text.contains(&account.address.to_string()), "{text}");
                // No 8-digit window of the key, in either case, and not its bytes in decimal.
                for i in 0..=hex.len() - 8 {
                    let window = &hex[i..i + 8];
                    assert!(!text.contains(window), "key digits {window} in {text}");
                    assert!(
                        !text.contains(&window.to_uppercase()),
                        "key digits {window} in {text}"
                    );
                }
                assert!(!text.contains(decimal), "key bytes in {text}");
            }
        }
    }

    #[test]
    fn derive_many_equals_one_by_one() {
        let seed = Mnemonic::parse("test test test test test test test test test test test junk")
            .unwrap()
            .to_seed("")
            .unwrap();
        let paths: Vec<DerivationPath> = [
            "m/44'/60'/0'/0/0",
            "m/44'/60'/0'/0/1",
            // Same prefix length, another parent: the cached parent public key must not apply.
            "m/44'/60'/0'/1/0",
            "m/44'/60'/0'/1/1",
            "m/44'/60'/0'/0/2",
            "m/44'/60'/0'/0/3'",
            "m/44'/60'/1'/0/0",
            "m",
            "m/7",
            "m/8",
            "m/44'/60'/0'/0/1",
            "m/0/1/2",
        ]
        .iter()
        .map(|p| p.parse().unwrap())
        .collect();
        let many = Account::derive_many(&seed, &paths).unwrap();
        for (p, a) in paths.iter().zip(&many) {
            let mut key = XPrv::new(seed.as_bytes()).unwrap();
            for c in &p.0 {
                key = key.derive_child(*c).unwrap();
            }
            assert_eq!(
                a.private_key_bytes().as_slice(),
                key.private_key().to_bytes().as_slice(),
                "{p}"
            );
            assert_eq!(a.path.as_deref(), Some(p.to_string().as_str()));
        }
    }

    #[test]
    fn presets_give_different_addresses_for_one_phrase() {
        let seed = Mnemonic::parse("test test test test test test test test test test test junk")
            .unwrap()
            .to_seed("")
            .unwrap();
        let addr = |p: PathPreset| {
            Account::derive(&seed, &p.path(1).parse().unwrap())
                .unwrap()
                .address
        };
        assert_eq!(
            addr(PathPreset::Bip44).to_string(),
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        );
        assert_ne!(addr(PathPreset::Bip44), addr(PathPreset::LedgerLive));
        assert_ne!(addr(PathPreset::Bip44), addr(PathPreset::LedgerLegacy));
    }
}
