//! What is wrong with a file that did not read as JSON of the expected shape, in words a user
//! reads (not the parser's "expected value at line 1 column 1" or "missing field `format`").
//! Used by the chain import ([`crate::persist`]) and the backup restore ([`crate::backup`]).

use serde_json::error::Category;

/// Describes why `text` failed to parse as a file, from the parser's error `e`.
pub fn describe(text: &str, e: &serde_json::Error) -> String {
    let (line, column) = (e.line(), e.column());
    let at = format!("line {line}, column {column}");
    let start = text.trim_start();
    if start.is_empty() {
        return "the file is empty".to_owned();
    }
    if !start.starts_with('{') {
        return if e.classify() == Category::Data {
            "the file is JSON but not an object (a blocklab file starts with \"{\")".to_owned()
        } else {
            "the file is not JSON text (a blocklab file starts with \"{\")".to_owned()
        };
    }
    match e.classify() {
        Category::Eof => format!("the file ends too early: it is cut off at line {line}"),
        Category::Syntax => format!("the file is not valid JSON: there is a mistake at {at}"),
        Category::Data => data_words(&e.to_string(), &at),
        Category::Io => "the file could not be read".to_owned(),
    }
}

/// The words for a field the file lacks.
pub fn missing_field(name: &str) -> String {
    format!("the file has no \"{name}\" field")
}

/// JSON of the wrong shape: the parser's message ("missing field `x` at line 1 column 2")
/// reworded.
fn data_words(message: &str, at: &str) -> String {
    // serde_json appends " at line L column C"; the position is given in words instead.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message, |(head, _)| head);
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(name) = quoted("missing field `") {
        missing_field(&name)
    } else if let Some(name) = quoted("unknown field `") {
        format!("the file has a field blocklab does not know, \"{name}\" ({at})")
    } else if message.starts_with("invalid type") {
        let expected = message
            .split_once(", expected ")
            .map_or(String::new(), |(_, what)| {
                format!(": blocklab expects {what} there")
            });
        format!("a value has the wrong type at {at}{expected}")
    } else if message.starts_with("invalid length") {
        format!("a list has the wrong number of items at {at}")
    } else if message.starts_with("invalid value") || message.starts_with("unknown variant") {
        format!("a value at {at} is not one blocklab accepts")
    } else {
        format!("a value at {at} is not right: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> String {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)] // read only through serde
        struct File {
            format: String,
            version: u32,
            blocks: Vec<u32>,
        }
        match serde_json::from_str::<File>(text) {
            Ok(f) => panic!("{text} parsed as {f:?}"),
            Err(e) => describe(text, &e),
        }
    }

    #[test]
    fn each_kind_of_mistake_is_said_in_words_without_the_parser_s_phrases() {
        let cases = [
            ("", "the file is empty"),
            ("  \n", "the file is empty"),
            (
                "hello",
                "the file is not JSON text (a blocklab file starts with \"{\")",
            ),
            (
                "{\"format\": ",
                "the file ends too early: it is cut off at line 1",
            ),
            (
                "{\"format\" 1}",
                "the file is not valid JSON: there is a mistake at line 1, column 11",
            ),
            (
                "{\"version\": 1, \"blocks\": []}",
                "the file has no \"format\" field",
            ),
            (
                "{\"format\": \"x\", \"version\": 1, \"blocks\": [], \"extra\": 1}",
                "the file has a field blocklab does not know, \"extra\" (line 1, column 51)",
            ),
            (
                "{\"format\": 7, \"version\": 1, \"blocks\": []}",
                "a value has the wrong type at line 1, column 12: blocklab expects a string there",
            ),
        ];
        for (text, expected) in cases {
            let got = words(text);
            assert_eq!(got, expected, "{text:?}");
            for parser_phrase in ["expected value", "1 column", "`", "EOF"] {
                assert!(!got.contains(parser_phrase), "{got}");
            }
        }
    }
}
