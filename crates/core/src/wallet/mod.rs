//! The wallet's cryptography: BIP-39 mnemonics, BIP-32/BIP-44 derivation, Web3 Secret Storage
//! (keystore v3) and EIP-191 message signatures. Entropy, salts and IVs are parameters: the app
//! takes them from the browser's cryptographic RNG.

pub mod hd;
pub mod keystore;
pub mod message;
pub mod mnemonic;
pub mod vault;

pub use hd::{Account, DerivationPath, HdError, PathPreset};
pub use keystore::{KeystoreError, ScryptParams};
pub use message::{MessageSignature, SignatureError};
pub use mnemonic::{Mnemonic, MnemonicError, Seed};
