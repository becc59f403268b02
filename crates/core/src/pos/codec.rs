//! Proof-of-stake messages as JSON text, as tabs and files carry them. Decoding never panics:
//! anything malformed comes back as a sentence, and every value is checked (hex lengths,
//! signatures in range) before a node sees the message.

use super::types::PosMessage;

/// The longest message text read, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 512 * 1024;

/// The message as JSON.
pub fn encode(message: &PosMessage) -> String {
    serde_json::to_string(message).unwrap_or_default()
}

/// Reads a message.
///
/// # Errors
/// A sentence saying why the text is not a proof-of-stake message.
pub fn decode(text: &str) -> Result<PosMessage, String> {
    decode_json(text, "a node", "a proof-of-stake message")
}

/// Reads JSON of at most [`MAX_MESSAGE_BYTES`] as a `T`; `reader` and `what` word the errors.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    text: &str,
    reader: &str,
    what: &str,
) -> Result<T, String> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(format!(
            "the message is {} bytes, more than the {MAX_MESSAGE_BYTES} {reader} reads",
            text.len()
        ));
    }
    serde_json::from_str(text)
        .map_err(|e| format!("not {what}: {}", crate::json_words::describe(text, &e)))
}
