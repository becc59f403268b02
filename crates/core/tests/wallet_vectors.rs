//! The wallet against the official vectors in `tests/data` (sources and licenses in its README).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use blocklab_core::address::Address;
use blocklab_core::signature::Signature;
use blocklab_core::wallet::hd::{self, Account, DerivationPath};
use blocklab_core::wallet::keystore::{self, Keystore, KeystoreError};
use blocklab_core::wallet::mnemonic::Seed;
use blocklab_core::wallet::Mnemonic;
use serde_json::Value;

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn bip39_english_trezor_vectors() {
    let v = data("trezor_vectors.json");
    let english = v["english"].as_array().unwrap();
    assert_eq!(english.len(), 24);
    for case in english {
        let [entropy, phrase, seed, xprv] = [0, 1, 2, 3].map(|i| case[i].as_str().unwrap());
        let m = Mnemonic::from_entropy(&hex::decode(entropy).unwrap()).unwrap();
        assert_eq!(m.phrase().as_str(), phrase);
        let parsed = Mnemonic::parse(phrase).unwrap();
        assert_eq!(
            parsed.entropy().as_slice(),
            hex::decode(entropy).unwrap().as_slice()
        );
        let s = parsed.to_seed("TREZOR").unwrap();
        assert_eq!(hex::encode(s.as_bytes()), seed, "{phrase}");
        assert_eq!(hd::master_xprv(s.as_bytes()).unwrap().as_str(), xprv);
    }
}

/// BIP-39 hashes NFKD text. The Japanese vectors are written as typed (composed kana, words
/// joined by U+3000): the core must normalise them itself to give the published seeds.
#[test]
fn bip39_seeds_of_non_normalised_text_are_the_vectors_seeds() {
    use unicode_normalization::UnicodeNormalization;
    let v = data("trezor_vectors.json");
    let mut checked = 0;
    for (language, cases) in v.as_object().unwrap() {
        for case in cases.as_array().unwrap() {
            let [phrase, seed] = [1, 2].map(|i| case[i].as_str().unwrap());
            // As published (Japanese: not NFKD) and recomposed (NFC: é, ñ, ř as one code point).
            let composed: String = phrase.nfc().collect();
            for input in [phrase, composed.as_str()] {
                if input.nfkd().eq(input.chars()) {
                    continue;
                }
                let got = Seed::from_phrase_unchecked(input, "TREZOR").unwrap();
                assert_eq!(hex::encode(got.as_bytes()), seed, "{language}: {input}");
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 24 + 24,
        "{checked} non-normalised inputs checked"
    );
    // The English path: a full-width passphrase is NFKD "TREZOR" (the vectors' passphrase), and
    // full-width letters in the phrase are NFKD ASCII.
    let case = &v["english"][0];
    let phrase = case[1].as_str().unwrap();
    let wide_phrase: String = phrase
        .chars()
        .map(|c| {
            char::from_u32(u32::from(c) + 0xfee0)
                .filter(|_| c.is_ascii_lowercase())
                .unwrap_or(c)
        })
        .collect();
    assert_ne!(wide_phrase, phrase);
    let m = Mnemonic::parse(&wide_phrase).unwrap();
    assert_eq!(m.phrase().as_str(), phrase);
    assert_eq!(
        hex::encode(m.to_seed("ＴＲＥＺＯＲ").unwrap().as_bytes()),
        case[2].as_str().unwrap()
    );
}

#[test]
fn bip32_vectors_1_to_4_and_invalid_keys_of_5() {
    let v = data("bip32_vectors.json");
    let mut chains = 0;
    for vector in v["vectors"].as_array().unwrap() {
        let seed = hex::decode(vector["seed_hex"].as_str().unwrap()).unwrap();
        for chain in vector["chains"].as_array().unwrap() {
            let path: DerivationPath = chain["path"].as_str().unwrap().parse().unwrap();
            let (xprv, xpub) = hd::derive_extended(&seed, &path).unwrap();
            assert_eq!(xprv.as_str(), chain["ext_prv"].as_str().unwrap(), "{path}");
            assert_eq!(xpub, chain["ext_pub"].as_str().unwrap(), "{path}");
            hd::parse_extended_key(&xprv).unwrap();
            hd::parse_extended_key(&xpub).unwrap();
            chains += 1;
        }
    }
    assert_eq!(chains, 17);
    let invalid = v["invalid_extended_keys"].as_array().unwrap();
    assert_eq!(invalid.len(), 16);
    for case in invalid {
        let key = case["key"].as_str().unwrap();
        assert!(
            hd::parse_extended_key(key).is_err(),
            "accepted an invalid key ({}): {key}",
            case["reason"]
        );
    }
}

#[test]
fn bip44_ethereum_accounts() {
    let v = data("ethereum_bip44_vectors.json");
    let mut n = 0;
    for set in v["sets"].as_array().unwrap() {
        let m = Mnemonic::parse(set["mnemonic"].as_str().unwrap()).unwrap();
        let seed = m.to_seed(set["passphrase"].as_str().unwrap()).unwrap();
        let want = set["seed_hex"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x")
            .to_lowercase();
        assert_eq!(hex::encode(seed.as_bytes()), want);
        for acct in set["accounts"].as_array().unwrap() {
            let path: DerivationPath = acct["path"].as_str().unwrap().parse().unwrap();
            let a = Account::derive(&seed, &path).unwrap();
            assert_eq!(
                format!("0x{}", hex::encode(a.private_key_bytes().as_slice())),
                acct["private_key"].as_str().unwrap()
            );
            assert_eq!(
                a.public_key_uncompressed(),
                acct["public_key_uncompressed"].as_str().unwrap()
            );
            assert_eq!(
                a.public_key_compressed(),
                acct["public_key_compressed"].as_str().unwrap()
            );
            assert_eq!(a.address.to_string(), acct["address"].as_str().unwrap());
            n += 1;
        }
    }
    assert!(n >= 5, "{n} accounts checked");
}

#[test]
fn eip55_checksums() {
    let v = data("eip55_addresses.json");
    let cases = v["valid_checksummed"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let text = case["address"].as_str().unwrap();
        let a: Address = text.parse().unwrap();
        assert_eq!(a.to_checksum(), text);
        let lower: Address = text.to_lowercase().parse().unwrap();
        assert_eq!(lower.to_checksum(), text);
    }
}

fn keystore_file(name: &str) -> Keystore {
    keystore::parse(
        &std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn keystore_wiki_pbkdf2_vector_decrypts() {
    let a =
        keystore::decrypt_private_key(&keystore_file("wiki_pbkdf2_aes128ctr.json"), "testpassword")
            .unwrap();
    assert_eq!(
        hex::encode(a.private_key_bytes().as_slice()),
        "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"
    );
    assert_eq!(
        a.address.to_string(),
        "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b"
    );
    assert_eq!(
        keystore::decrypt_private_key(&keystore_file("wiki_pbkdf2_aes128ctr.json"), "wrong")
            .unwrap_err(),
        KeystoreError::WrongPassword
    );
}

#[test]
fn keystore_wiki_scrypt_vector_decrypts() {
    // n=262144 with r=1 breaks RFC 7914's N < 2^(128·r/8) (vectors README, caveat 1), but the
    // data is right and scrypt 0.12 accepts the parameters (32 MiB), so it must decrypt.
    let a =
        keystore::decrypt_private_key(&keystore_file("wiki_scrypt_aes128ctr.json"), "testpassword")
            .unwrap();
    assert_eq!(
        hex::encode(a.private_key_bytes().as_slice()),
        "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"
    );
}

#[test]
fn keystore_ethereum_org_erratum_fails_with_mac_mismatch() {
    let err = keystore::decrypt(
        &keystore_file("ethereum_org_scrypt_aes128ctr_ERRATUM.json"),
        "testpassword",
    )
    .unwrap_err();
    assert_eq!(err, KeystoreError::WrongPassword);
}

#[test]
fn keystore_ethereum_tests_basic_tests() {
    let v = data("ethereum_tests_basic_tests.json");
    for (name, case) in v.as_object().unwrap() {
        let ks = Keystore::from_value(&case["json"]).unwrap();
        let result = keystore::decrypt(&ks, case["password"].as_str().unwrap());
        assert_eq!(
            hex::encode(result.unwrap().as_slice()),
            case["priv"].as_str().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn rfc6979_bitcoinjs_signatures() {
    use k256::ecdsa::SigningKey;
    use sha2::Digest;
    let v = data("bitcoinjs_ecdsa.json");
    let cases = v["valid"]["ecdsa"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let mut d = [0u8; 32];
        let dh = hex::decode(format!("{:0>64}", case["d"].as_str().unwrap())).unwrap();
        d.copy_from_slice(&dh);
        let key = SigningKey::from_slice(&d).unwrap();
        let digest: [u8; 32] =
            sha2::Sha256::digest(case["message"].as_str().unwrap().as_bytes()).into();
        let sig = Signature::sign_prehash(&key, &digest).unwrap();
        let bytes = sig.to_bytes();
        assert_eq!(
            hex::encode(&bytes[..32]),
            case["signature"]["r"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(&bytes[32..64]),
            case["signature"]["s"].as_str().unwrap()
        );
    }
}

#[test]
fn keystore_written_here_reads_back_with_default_params() {
    let a = Account::from_private_key_hex(
        "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
    )
    .unwrap();
    let rand = keystore::EncryptionRandomness {
        salt: [5; 32],
        iv: [6; 16],
        uuid: [7; 16],
    };
    let v = keystore::encrypt(
        a.private_key_bytes().as_slice(),
        "pw",
        keystore::ScryptParams::DEFAULT,
        &rand,
        Some(&a.address),
        None,
    )
    .unwrap();
    assert_eq!(v.to_value()["crypto"]["kdfparams"]["n"], 16384);
    assert_eq!(
        v.address(),
        Some("008aeeda4d805471df9b2a5b0f38a0c3bcba786b")
    );
    assert_eq!(
        v.to_value()["address"],
        "008aeeda4d805471df9b2a5b0f38a0c3bcba786b"
    );
    let back =
        keystore::decrypt_private_key(&keystore::parse(&v.to_json()).unwrap(), "pw").unwrap();
    assert_eq!(back.address, a.address);
}
