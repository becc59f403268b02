//! BIP-39 mnemonics (English word list) through the `bip39` crate.
//!
//! BIP-39 hashes the NFKD form of the phrase and of the passphrase. Every function here
//! normalises its input itself, so a caller that passes text as typed (composed accents,
//! full-width letters, an ideographic space) gets the same seed as every other BIP-39 wallet.
//! ASCII text is its own NFKD form; other text goes through the platform's NFKD when one is
//! installed ([`set_platform_nfkd`]: the web app installs the browser's
//! `String.prototype.normalize`), else through the `unicode-normalization` tables (feature
//! `unicode-tables`, on by default). A build with neither refuses non-ASCII text with
//! [`MnemonicError::NoNormalizer`]: it never hashes text that was not normalised.
//!
//! ```
//! use blocklab_core::wallet::Mnemonic;
//!
//! // Case, extra white space and full-width letters are all accepted.
//! let m = Mnemonic::parse("  Abandon abandon abandon abandon abandon abandon\n abandon abandon abandon abandon abandon ａｂｏｕｔ ")?;
//! assert_eq!(m.phrase().as_str(), "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about");
//! // The passphrase is normalised too: "ＴＲＥＺＯＲ" is NFKD "TREZOR" (a BIP-39 test vector).
//! assert_eq!(m.to_seed("ＴＲＥＺＯＲ")?, m.to_seed("TREZOR")?);
//! assert_eq!(hex::encode(&m.to_seed("TREZOR")?.as_bytes()[..8]), "c55257c360c07c72");
//! # Ok::<(), blocklab_core::wallet::MnemonicError>(())
//! ```

use core::fmt;

use std::sync::OnceLock;

use bip39::Language;
use zeroize::{Zeroize, Zeroizing};

/// Word counts BIP-39 allows.
pub const WORD_COUNTS: [usize; 5] = [12, 15, 18, 21, 24];

/// A checked BIP-39 mnemonic. Its `Debug` output never shows the words.
#[derive(Clone, PartialEq, Eq)]
pub struct Mnemonic(bip39::Mnemonic);

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mnemonic({} words, redacted)", self.word_count())
    }
}

/// A 64-byte BIP-39 seed, wiped from memory when dropped. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Zeroize, zeroize::ZeroizeOnDrop)]
pub struct Seed([u8; 64]);

impl Seed {
    /// Wraps 64 seed bytes (for instance a seed kept elsewhere).
    pub fn from_bytes(bytes: [u8; 64]) -> Self {
        Self(bytes)
    }

    /// The seed bytes (secret: the master key of every account derives from them).
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }

    /// BIP-39's seed function applied to any phrase text, with no word-list or checksum check:
    /// PBKDF2-HMAC-SHA512(NFKD(phrase), "mnemonic" + NFKD(passphrase), 2048). For phrases from
    /// the other languages' lists (BIP-39 defines the seed on the text alone); prefer
    /// [`Mnemonic::parse`] and [`Mnemonic::to_seed`], which check the English words first.
    ///
    /// # Errors
    /// [`MnemonicError::NoNormalizer`] only (see [`nfkd`]).
    pub fn from_phrase_unchecked(phrase: &str, passphrase: &str) -> Result<Self, MnemonicError> {
        let phrase = nfkd(phrase)?;
        let passphrase = nfkd(passphrase)?;
        let mut salt = Zeroizing::new(String::with_capacity(8 + passphrase.len()));
        salt.push_str("mnemonic");
        salt.push_str(&passphrase);
        // RustCrypto's PBKDF2 over SHA-512 (the same function `bip39` runs internally, measured
        // faster in wasm; the BIP-39 vectors check both agree).
        let mut seed = [0u8; 64];
        pbkdf2::pbkdf2_hmac::<sha2::Sha512>(phrase.as_bytes(), salt.as_bytes(), 2048, &mut seed);
        Ok(Self(seed))
    }
}

/// A platform's NFKD (for instance the browser's `String.prototype.normalize("NFKD")`), used
/// for non-ASCII text instead of the `unicode-normalization` tables.
pub type PlatformNfkd = fn(&str) -> String;

static PLATFORM_NFKD: OnceLock<PlatformNfkd> = OnceLock::new();

/// Installs the platform's NFKD for the life of the process (the first call wins; returns
/// whether this one did). A build without the `unicode-tables` feature needs it before any
/// non-ASCII phrase or passphrase; with the feature it replaces the tables.
pub fn set_platform_nfkd(normalize: PlatformNfkd) -> bool {
    PLATFORM_NFKD.set(normalize).is_ok()
}

/// The NFKD form of `text` (BIP-39 normalises phrases and passphrases to it), in a buffer of
/// exactly its size: no reallocation leaves a partial copy of a secret behind.
///
/// # Errors
/// [`MnemonicError::NoNormalizer`]: `text` is not ASCII, no platform NFKD is installed and the
/// core was built without `unicode-tables`.
pub fn nfkd(text: &str) -> Result<Zeroizing<String>, MnemonicError> {
    if text.is_ascii() {
        // ASCII is its own NFKD form.
        return Ok(Zeroizing::new(text.to_owned()));
    }
    if let Some(normalize) = PLATFORM_NFKD.get() {
        return Ok(Zeroizing::new(normalize(text)));
    }
    tables_nfkd(text).ok_or(MnemonicError::NoNormalizer)
}

#[cfg(feature = "unicode-tables")]
fn tables_nfkd(text: &str) -> Option<Zeroizing<String>> {
    use unicode_normalization::UnicodeNormalization;
    let len = text.nfkd().map(char::len_utf8).sum();
    let mut out = Zeroizing::new(String::with_capacity(len));
    out.extend(text.nfkd());
    Some(out)
}

#[cfg(not(feature = "unicode-tables"))]
fn tables_nfkd(_text: &str) -> Option<Zeroizing<String>> {
    None
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Seed(redacted)")
    }
}

/// Why a mnemonic was refused. Each case has its own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MnemonicError {
    /// Not 12, 15, 18, 21 or 24 words.
    WrongWordCount { got: usize },
    /// A word is not in the English BIP-39 list (position counts from 1).
    UnknownWord {
        position: usize,
        word: String,
        suggestion: Option<&'static str>,
    },
    /// Every word is known but the checksum does not match: a word is wrong or out of order.
    BadChecksum,
    /// Entropy for a new mnemonic must be 16, 20, 24, 28 or 32 bytes.
    BadEntropyLength { got: usize },
    /// Non-ASCII text and no NFKD to normalise it with (a build without `unicode-tables` whose
    /// platform NFKD was not installed).
    NoNormalizer,
}

impl fmt::Display for MnemonicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongWordCount { got } => write!(
                f,
                "a recovery phrase has 12, 15, 18, 21 or 24 words, this has {got}"
            ),
            Self::UnknownWord { position, word, suggestion } => {
                write!(f, "word {position} (\"{word}\") is not in the BIP-39 English word list")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean \"{s}\"?"),
                    None => Ok(()),
                }
            }
            Self::BadChecksum => f.write_str(
                "every word is valid but the checksum does not match: a word is wrong or the order is changed",
            ),
            Self::BadEntropyLength { got } => {
                write!(f, "entropy must be 16, 20, 24, 28 or 32 bytes, not {got}")
            }
            Self::NoNormalizer => f.write_str(
                "this text has characters other than ASCII and this build cannot normalise them (NFKD)",
            ),
        }
    }
}

impl std::error::Error for MnemonicError {}

/// The English word list.
pub fn word_list() -> &'static [&'static str; 2048] {
    Language::English.word_list()
}

/// The closest word of the list to `word`: same first four letters (BIP-39 words are unique by
/// their first four), else the smallest edit distance (at most 2).
pub fn suggest(word: &str) -> Option<&'static str> {
    let word = word.to_lowercase();
    let list = word_list();
    if word.chars().count() >= 4 {
        let prefix: String = word.chars().take(4).collect();
        if let Some(w) = list.iter().find(|w| w.starts_with(&prefix)) {
            return Some(w);
        }
    }
    list.iter()
        .map(|w| (edit_distance(&word, w), *w))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, w)| w)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Mnemonic {
    /// Builds the mnemonic of the given entropy (16/20/24/28/32 bytes → 12/15/18/21/24 words).
    ///
    /// # Errors
    /// [`MnemonicError::BadEntropyLength`].
    pub fn from_entropy(entropy: &[u8]) -> Result<Self, MnemonicError> {
        if ![16, 20, 24, 28, 32].contains(&entropy.len()) {
            return Err(MnemonicError::BadEntropyLength { got: entropy.len() });
        }
        bip39::Mnemonic::from_entropy_in(Language::English, entropy)
            .map(Self)
            .map_err(|_| MnemonicError::BadEntropyLength { got: entropy.len() })
    }

    /// Parses user input as typed: normalised to NFKD here, any white space between words,
    /// case-insensitive.
    ///
    /// # Errors
    /// [`MnemonicError`]: word count, then unknown words (with a suggestion), then checksum.
    pub fn parse(phrase: &str) -> Result<Self, MnemonicError> {
        let lower = Zeroizing::new(nfkd(phrase)?.to_lowercase());
        let words: Vec<&str> = lower.split_whitespace().collect();
        if !WORD_COUNTS.contains(&words.len()) {
            return Err(MnemonicError::WrongWordCount { got: words.len() });
        }
        for (i, w) in words.iter().enumerate() {
            if Language::English.find_word(w).is_none() {
                return Err(MnemonicError::UnknownWord {
                    position: i + 1,
                    word: (*w).to_owned(),
                    suggestion: suggest(w),
                });
            }
        }
        let joined = Zeroizing::new(words.join(" "));
        bip39::Mnemonic::parse_in_normalized(Language::English, &joined)
            .map(Self)
            .map_err(|e| match e {
                bip39::Error::BadWordCount(n) => MnemonicError::WrongWordCount { got: n },
                _ => MnemonicError::BadChecksum,
            })
    }

    /// The words separated by single spaces (secret: wiped on drop).
    pub fn phrase(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.words().collect::<Vec<_>>().join(" "))
    }

    /// The words (secret).
    pub fn words(&self) -> Vec<&'static str> {
        self.0.words().collect()
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.0.word_count()
    }

    /// The entropy the words encode (secret).
    pub fn entropy(&self) -> Zeroizing<Vec<u8>> {
        let (bytes, len) = self.0.to_entropy_array();
        Zeroizing::new(bytes.get(..len).unwrap_or_default().to_vec())
    }

    /// The BIP-39 seed: PBKDF2-HMAC-SHA512(words, "mnemonic" + passphrase, 2048), with the
    /// passphrase normalised to NFKD here (as typed is fine).
    ///
    /// # Errors
    /// [`MnemonicError::NoNormalizer`] only (see [`nfkd`]).
    pub fn to_seed(&self, passphrase: &str) -> Result<Seed, MnemonicError> {
        Seed::from_phrase_unchecked(&self.phrase(), passphrase)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[test]
    fn each_mistake_has_its_own_error() {
        assert!(Mnemonic::parse(ABANDON).is_ok());
        assert!(Mnemonic::parse(&format!(
            "  {}  ",
            ABANDON.to_uppercase().replace(' ', "\n")
        ))
        .is_ok());
        assert_eq!(
            Mnemonic::parse("abandon abandon abandon"),
            Err(MnemonicError::WrongWordCount { got: 3 })
        );
        assert_eq!(
            Mnemonic::parse(&ABANDON.replacen("about", "abuot", 1)),
            Err(MnemonicError::UnknownWord {
                position: 12,
                word: "abuot".into(),
                suggestion: Some("about")
            })
        );
        assert_eq!(
            Mnemonic::parse(&ABANDON.replacen("abandon", "abandonn", 1)),
            Err(MnemonicError::UnknownWord {
                position: 1,
                word: "abandonn".into(),
                suggestion: Some("abandon")
            })
        );
        assert_eq!(
            Mnemonic::parse(&ABANDON.replacen("about", "abandon", 1)),
            Err(MnemonicError::BadChecksum)
        );
        assert_eq!(
            Mnemonic::from_entropy(&[0; 15]),
            Err(MnemonicError::BadEntropyLength { got: 15 })
        );
    }

    #[test]
    fn entropy_lengths_give_word_counts() {
        for (bytes, words) in [(16, 12), (20, 15), (24, 18), (28, 21), (32, 24)] {
            let m = Mnemonic::from_entropy(&vec![7u8; bytes]).unwrap();
            assert_eq!(m.word_count(), words);
            assert_eq!(Mnemonic::parse(&m.phrase()), Ok(m.clone()));
            assert_eq!(m.entropy().as_slice(), &vec![7u8; bytes][..]);
        }
    }

    #[test]
    fn debug_output_is_redacted() {
        let m = Mnemonic::parse(ABANDON).unwrap();
        let shown = format!("{m:?} {:?}", m.to_seed("").unwrap());
        assert!(!shown.contains("abandon"), "{shown}");
        assert_eq!(shown, "Mnemonic(12 words, redacted) Seed(redacted)");
    }
}
