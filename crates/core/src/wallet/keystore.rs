//! Web3 Secret Storage (keystore v3): scrypt or PBKDF2-HMAC-SHA256, AES-128-CTR, and a
//! keccak256 MAC, all through RustCrypto crates. The same container holds either a 32-byte
//! private key (the standard, importable by ethers and MetaMask) or another secret such as a
//! mnemonic (UTF-8 bytes as the ciphertext; blocklab's own use, marked by `"x-blocklab"`).

use core::fmt;

use aes::cipher::{KeyIvInit, StreamCipher};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::address::{keccak256, Address};

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// Largest scrypt memory accepted from a file: 128 · r · N bytes at most 256 MiB (geth's
/// "standard" n=262144, r=8). Anything larger could exhaust the tab's memory.
pub const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Largest PBKDF2 iteration count accepted from a file.
pub const MAX_PBKDF2_ROUNDS: u32 = 10_000_000;

/// scrypt cost parameters (N = 2^log_n).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScryptParams {
    pub log_n: u8,
    pub r: u32,
    pub p: u32,
}

impl ScryptParams {
    /// What blocklab writes: N = 2^14, r = 8, p = 1 (16 MiB; see BENCHMARKS.md for the unlock
    /// time in Chromium). The same "light" parameters ethers and geth offer.
    pub const DEFAULT: Self = Self {
        log_n: 14,
        r: 8,
        p: 1,
    };
}

/// Why a keystore could not be read or opened. Each case has its own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeystoreError {
    /// Not JSON, truncated, or a required field is missing or of the wrong type.
    Malformed { detail: String },
    /// `version` is not 3.
    UnsupportedVersion { got: String },
    /// A key derivation function other than scrypt and pbkdf2.
    UnsupportedKdf { got: String },
    /// A cipher other than aes-128-ctr.
    UnsupportedCipher { got: String },
    /// KDF parameters that are invalid or too costly to run here.
    InvalidKdfParams { detail: String },
    /// The MAC does not match: the password is wrong (or the file was altered).
    WrongPassword,
    /// The secret decrypted but is not a valid private key.
    InvalidKey,
}

impl fmt::Display for KeystoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { detail } => {
                write!(f, "this is not a complete keystore file: {detail}")
            }
            Self::UnsupportedVersion { got } => write!(
                f,
                "keystore version {got} is not supported (only version 3)"
            ),
            Self::UnsupportedKdf { got } => write!(
                f,
                "key derivation \"{got}\" is not supported (only scrypt and pbkdf2)"
            ),
            Self::UnsupportedCipher { got } => {
                write!(f, "cipher \"{got}\" is not supported (only aes-128-ctr)")
            }
            Self::InvalidKdfParams { detail } => write!(
                f,
                "the keystore's key derivation parameters are refused: {detail}"
            ),
            Self::WrongPassword => {
                f.write_str("wrong password (the keystore's MAC does not match)")
            }
            Self::InvalidKey => {
                f.write_str("the keystore decrypted, but its content is not a valid private key")
            }
        }
    }
}

impl std::error::Error for KeystoreError {}

/// The random inputs of an encryption, supplied by the caller (from a CSPRNG).
#[derive(Clone)]
pub struct EncryptionRandomness {
    pub salt: [u8; 32],
    pub iv: [u8; 16],
    pub uuid: [u8; 16],
}

fn malformed(detail: impl Into<String>) -> KeystoreError {
    KeystoreError::Malformed {
        detail: detail.into(),
    }
}

fn uuid_string(b: &[u8; 16]) -> String {
    let mut b = *b;
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn scrypt_key(
    password: &[u8],
    salt: &[u8],
    p: ScryptParams,
) -> Result<Zeroizing<[u8; 32]>, KeystoreError> {
    let memory = 128u64
        .saturating_mul(u64::from(p.r))
        .saturating_mul(1u64 << p.log_n.min(63));
    if memory > MAX_SCRYPT_MEMORY || p.p > 16 {
        return Err(KeystoreError::InvalidKdfParams {
            detail: format!(
                "n=2^{}, r={}, p={} needs more memory or time than allowed here",
                p.log_n, p.r, p.p
            ),
        });
    }
    let params =
        scrypt::Params::new(p.log_n, p.r, p.p).map_err(|e| KeystoreError::InvalidKdfParams {
            detail: format!("scrypt refuses n=2^{}, r={}, p={} ({e})", p.log_n, p.r, p.p),
        })?;
    let mut out = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &params, out.as_mut()).map_err(|e| {
        KeystoreError::InvalidKdfParams {
            detail: e.to_string(),
        }
    })?;
    Ok(out)
}

fn apply_ctr(key: &[u8], iv: &[u8], data: &mut [u8]) -> Result<(), KeystoreError> {
    let mut cipher =
        Aes128Ctr::new_from_slices(key, iv).map_err(|_| malformed("the iv must be 16 bytes"))?;
    cipher.apply_keystream(data);
    Ok(())
}

fn mac(derived: &[u8; 32], ciphertext: &[u8]) -> [u8; 32] {
    let mut body = Vec::with_capacity(16 + ciphertext.len());
    body.extend_from_slice(&derived[16..32]);
    body.extend_from_slice(ciphertext);
    keccak256(&body)
}

/// How the key is derived from the password (with its salt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kdf {
    /// scrypt with N = 2^log_n, r, p.
    Scrypt { params: ScryptParams, salt: Vec<u8> },
    /// PBKDF2-HMAC-SHA256 with this many rounds.
    Pbkdf2 { rounds: u32, salt: Vec<u8> },
}

/// A Web3 Secret Storage (keystore v3) file, read and checked: everything needed to decrypt it
/// with a password, and nothing secret. Read with [`parse`] (or [`Keystore::from_value`]),
/// written by [`encrypt`]; serde reads and writes the standard JSON layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keystore {
    id: String,
    address: Option<String>,
    kind: Option<String>,
    iv: [u8; 16],
    ciphertext: Vec<u8>,
    kdf: Kdf,
    mac: Vec<u8>,
}

/// Encrypts `secret` under `password` as a keystore v3 (scrypt, AES-128-CTR). `address` is
/// written for private keys (tools show it without the password); `kind` marks another secret
/// than a private key (blocklab's `"x-blocklab"` field).
///
/// ```
/// use blocklab_core::wallet::keystore::{self, EncryptionRandomness, ScryptParams};
///
/// // The randomness comes from the caller's CSPRNG (the core reads none).
/// let rand = EncryptionRandomness { salt: [1; 32], iv: [2; 16], uuid: [3; 16] };
/// let cheap = ScryptParams { log_n: 4, r: 8, p: 1 };
/// let ks = keystore::encrypt(&[7; 32], "password", cheap, &rand, None, None)?;
/// let text = ks.to_json();
/// let back = keystore::parse(&text)?;
/// assert_eq!(keystore::decrypt(&back, "password")?.as_slice(), &[7; 32]);
/// assert_eq!(keystore::decrypt(&back, "wrong"), Err(keystore::KeystoreError::WrongPassword));
/// # Ok::<(), keystore::KeystoreError>(())
/// ```
///
/// # Errors
/// [`KeystoreError::InvalidKdfParams`] for parameters scrypt refuses.
pub fn encrypt(
    secret: &[u8],
    password: &str,
    params: ScryptParams,
    rand: &EncryptionRandomness,
    address: Option<&Address>,
    kind: Option<&str>,
) -> Result<Keystore, KeystoreError> {
    let derived = scrypt_key(password.as_bytes(), &rand.salt, params)?;
    let mut ciphertext = secret.to_vec();
    apply_ctr(&derived[..16], &rand.iv, &mut ciphertext)?;
    Ok(Keystore {
        id: uuid_string(&rand.uuid),
        address: address.map(|a| hex::encode(a.as_bytes())),
        kind: kind.map(str::to_owned),
        iv: rand.iv,
        mac: mac(&derived, &ciphertext).to_vec(),
        ciphertext,
        kdf: Kdf::Scrypt {
            params,
            salt: rand.salt.to_vec(),
        },
    })
}

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value, KeystoreError> {
    v.get(name)
        .ok_or_else(|| malformed(crate::json_words::missing_field(name)))
}

fn str_field<'a>(v: &'a Value, name: &str) -> Result<&'a str, KeystoreError> {
    field(v, name)?
        .as_str()
        .ok_or_else(|| malformed(format!("field `{name}` is not a string")))
}

fn u64_field(v: &Value, name: &str) -> Result<u64, KeystoreError> {
    field(v, name)?
        .as_u64()
        .ok_or_else(|| malformed(format!("field `{name}` is not a whole number")))
}

fn hex_field(v: &Value, name: &str) -> Result<Vec<u8>, KeystoreError> {
    let s = str_field(v, name)?;
    hex::decode(s.strip_prefix("0x").unwrap_or(s))
        .map_err(|_| malformed(format!("field `{name}` is not hex")))
}

/// Parses keystore text (accepts `crypto` and `Crypto`) and checks everything but the
/// password.
///
/// # Errors
/// Every [`KeystoreError`] but [`KeystoreError::WrongPassword`] and
/// [`KeystoreError::InvalidKey`], each for its own reason.
pub fn parse(text: &str) -> Result<Keystore, KeystoreError> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| malformed(crate::json_words::describe(text, &e)))?;
    Keystore::from_value(&v)
}

fn parse_kdf(crypto: &Value) -> Result<Kdf, KeystoreError> {
    let kdf = str_field(crypto, "kdf")?;
    if kdf != "scrypt" && kdf != "pbkdf2" {
        return Err(KeystoreError::UnsupportedKdf {
            got: kdf.to_owned(),
        });
    }
    let kp = field(crypto, "kdfparams")?;
    let salt = hex_field(kp, "salt")?;
    if let Some(dklen) = kp.get("dklen") {
        if dklen.as_u64() != Some(32) {
            return Err(KeystoreError::InvalidKdfParams {
                detail: format!("dklen must be 32, not {dklen}"),
            });
        }
    }
    if kdf == "scrypt" {
        let n = u64_field(kp, "n")?;
        if n < 2 || !n.is_power_of_two() {
            return Err(KeystoreError::InvalidKdfParams {
                detail: format!("scrypt n={n} is not a power of two"),
            });
        }
        let r = u32::try_from(u64_field(kp, "r")?).map_err(|_| malformed("r is too large"))?;
        let p = u32::try_from(u64_field(kp, "p")?).map_err(|_| malformed("p is too large"))?;
        let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
        return Ok(Kdf::Scrypt {
            params: ScryptParams { log_n, r, p },
            salt,
        });
    }
    let prf = str_field(kp, "prf")?;
    if prf != "hmac-sha256" {
        return Err(KeystoreError::UnsupportedKdf {
            got: format!("pbkdf2 with {prf}"),
        });
    }
    let c = u64_field(kp, "c")?;
    let rounds = u32::try_from(c)
        .ok()
        .filter(|c| (1..=MAX_PBKDF2_ROUNDS).contains(c))
        .ok_or_else(|| KeystoreError::InvalidKdfParams {
            detail: format!("pbkdf2 c={c} is outside 1 to {MAX_PBKDF2_ROUNDS}"),
        })?;
    Ok(Kdf::Pbkdf2 { rounds, salt })
}

impl Keystore {
    /// Reads a keystore from parsed JSON (see [`parse`]).
    ///
    /// # Errors
    /// As [`parse`].
    pub fn from_value(v: &Value) -> Result<Self, KeystoreError> {
        if !v.is_object() {
            return Err(malformed("expected a JSON object"));
        }
        match v.get("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(3) => {}
            Some(other) => {
                return Err(KeystoreError::UnsupportedVersion {
                    got: other.to_string(),
                })
            }
            None => return Err(malformed(crate::json_words::missing_field("version"))),
        }
        let crypto = v
            .get("crypto")
            .or_else(|| v.get("Crypto"))
            .ok_or_else(|| malformed(crate::json_words::missing_field("crypto")))?;
        let cipher = str_field(crypto, "cipher")?;
        if cipher != "aes-128-ctr" {
            return Err(KeystoreError::UnsupportedCipher {
                got: cipher.to_owned(),
            });
        }
        let iv = <[u8; 16]>::try_from(hex_field(field(crypto, "cipherparams")?, "iv")?)
            .map_err(|_| malformed("the iv must be 16 bytes"))?;
        let ciphertext = hex_field(crypto, "ciphertext")?;
        let mac = hex_field(crypto, "mac")?;
        let kdf = parse_kdf(crypto)?;
        let text = |name: &str| v.get(name).and_then(Value::as_str).map(str::to_owned);
        Ok(Self {
            id: text("id").unwrap_or_default(),
            address: text("address"),
            kind: text("x-blocklab"),
            iv,
            ciphertext,
            kdf,
            mac,
        })
    }

    /// The standard JSON layout.
    pub fn to_value(&self) -> Value {
        let kdfparams = match &self.kdf {
            Kdf::Scrypt { params, salt } => json!({
                "dklen": 32, "n": 1u64 << params.log_n.min(63), "r": params.r, "p": params.p,
                "salt": hex::encode(salt),
            }),
            Kdf::Pbkdf2 { rounds, salt } => json!({
                "dklen": 32, "c": rounds, "prf": "hmac-sha256", "salt": hex::encode(salt),
            }),
        };
        let mut v = json!({
            "version": 3,
            "id": self.id,
            "crypto": {
                "cipher": "aes-128-ctr",
                "cipherparams": { "iv": hex::encode(self.iv) },
                "ciphertext": hex::encode(&self.ciphertext),
                "kdf": match self.kdf { Kdf::Scrypt { .. } => "scrypt", Kdf::Pbkdf2 { .. } => "pbkdf2" },
                "kdfparams": kdfparams,
                "mac": hex::encode(&self.mac),
            }
        });
        if let Some(obj) = v.as_object_mut() {
            if let Some(a) = &self.address {
                obj.insert("address".into(), Value::String(a.clone()));
            }
            if let Some(k) = &self.kind {
                obj.insert("x-blocklab".into(), Value::String(k.clone()));
            }
        }
        v
    }

    /// The JSON text, as ethers, MetaMask and geth read it.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// The file's UUID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The address written in the clear (hex without `0x`), if any.
    pub fn address(&self) -> Option<&str> {
        self.address.as_deref()
    }

    /// blocklab's mark for a secret that is not a private key (`"x-blocklab"`).
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// The key derivation and its parameters.
    pub fn kdf(&self) -> &Kdf {
        &self.kdf
    }
}

impl serde::Serialize for Keystore {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Keystore {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Self::from_value(&v).map_err(serde::de::Error::custom)
    }
}

/// Decrypts a keystore with `password`, returning the secret bytes.
///
/// # Errors
/// [`KeystoreError::WrongPassword`], or [`KeystoreError::InvalidKdfParams`] for parameters
/// too costly to run here.
pub fn decrypt(ks: &Keystore, password: &str) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
    let derived: Zeroizing<[u8; 32]> = match &ks.kdf {
        Kdf::Scrypt { params, salt } => scrypt_key(password.as_bytes(), salt, *params)?,
        Kdf::Pbkdf2 { rounds, salt } => {
            let mut out = Zeroizing::new([0u8; 32]);
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, *rounds, out.as_mut());
            out
        }
    };
    if mac(&derived, &ks.ciphertext)[..] != ks.mac[..] {
        return Err(KeystoreError::WrongPassword);
    }
    let mut secret = Zeroizing::new(ks.ciphertext.clone());
    apply_ctr(&derived[..16], &ks.iv, &mut secret)?;
    Ok(secret)
}

/// Decrypts a standard keystore holding a private key.
///
/// # Errors
/// [`KeystoreError`]; [`KeystoreError::InvalidKey`] when the content is not a 32-byte key.
pub fn decrypt_private_key(ks: &Keystore, password: &str) -> Result<super::Account, KeystoreError> {
    let secret = decrypt(ks, password)?;
    let bytes: &[u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| KeystoreError::InvalidKey)?;
    super::Account::from_private_key(bytes).map_err(|_| KeystoreError::InvalidKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: ScryptParams = ScryptParams {
        log_n: 4,
        r: 8,
        p: 1,
    };

    fn rand() -> EncryptionRandomness {
        EncryptionRandomness {
            salt: [1; 32],
            iv: [2; 16],
            uuid: [3; 16],
        }
    }

    #[test]
    fn round_trip_and_wrong_password() {
        let v = encrypt(b"secret words", "pw", FAST, &rand(), None, Some("mnemonic")).unwrap();
        assert_eq!(decrypt(&v, "pw").unwrap().as_slice(), b"secret words");
        assert_eq!(decrypt(&v, "PW"), Err(KeystoreError::WrongPassword));
        assert!(!v.to_json().contains("secret"));
        assert_eq!(v.id().len(), 36);
        assert_eq!(v.kind(), Some("mnemonic"));
        assert_eq!(parse(&v.to_json()), Ok(v.clone()));
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<Keystore>(&json).unwrap(), v);
    }

    #[test]
    fn each_problem_has_its_own_error() {
        let v = encrypt(&[9; 32], "pw", FAST, &rand(), None, None)
            .unwrap()
            .to_value();
        let with = |f: &dyn Fn(&mut Value)| {
            let mut x = v.clone();
            f(&mut x);
            Keystore::from_value(&x)
                .and_then(|k| decrypt(&k, "pw"))
                .unwrap_err()
        };
        assert!(matches!(
            with(&|x| x["version"] = json!(2)),
            KeystoreError::UnsupportedVersion { .. }
        ));
        assert!(matches!(
            with(&|x| x["crypto"]["kdf"] = json!("argon2")),
            KeystoreError::UnsupportedKdf { .. }
        ));
        assert!(matches!(
            with(&|x| x["crypto"]["cipher"] = json!("aes-256-gcm")),
            KeystoreError::UnsupportedCipher { .. }
        ));
        assert!(matches!(
            with(&|x| x["crypto"]["kdfparams"]["n"] = json!(1u64 << 40)),
            KeystoreError::InvalidKdfParams { .. }
        ));
        assert!(matches!(
            with(&|x| x["crypto"]["kdfparams"]["n"] = json!(1000)),
            KeystoreError::InvalidKdfParams { .. }
        ));
        assert!(matches!(
            with(&|x| x["crypto"]["mac"] = json!("00")),
            KeystoreError::WrongPassword
        ));
        assert!(matches!(
            with(&|x| {
                x["crypto"].as_object_mut().unwrap().remove("ciphertext");
            }),
            KeystoreError::Malformed { .. }
        ));
        // `Crypto` is accepted like `crypto`.
        let mut upper = v.clone();
        let c = upper.as_object_mut().unwrap().remove("crypto").unwrap();
        upper["Crypto"] = c;
        let upper = Keystore::from_value(&upper).unwrap();
        assert_eq!(decrypt(&upper, "pw").unwrap().as_slice(), &[9; 32]);
        // Truncated text.
        let text = v.to_string();
        assert!(matches!(
            parse(&text[..text.len() / 2]),
            Err(KeystoreError::Malformed { .. })
        ));
    }
}
