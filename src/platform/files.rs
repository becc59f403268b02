//! Downloading text as a file, reading a chosen file, copying to the clipboard.

use wasm_bindgen::{JsCast, JsValue};

/// Offers `text` to the user as a download named `file_name`.
///
/// # Errors
/// A message when the browser refuses to create the file.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |e: JsValue| format!("could not create the download ({e:?})");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| "no document to download from".to_owned())?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "could not create a link".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The largest file [`read_text`] reads (a 10,000-block chain file is a few MB): a bigger one
/// is refused before it is read, so a huge pick cannot fill the tab's memory.
pub const MAX_FILE_BYTES: f64 = 32.0 * 1024.0 * 1024.0;

/// Reads the text of a file the user picked.
///
/// # Errors
/// A message when the file is over [`MAX_FILE_BYTES`] or cannot be read as text.
pub async fn read_text(file: web_sys::File) -> Result<String, String> {
    check_size(&file, "a blocklab file can be")?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|e| format!("could not read the file ({e:?})"))?;
    text.as_string()
        .ok_or_else(|| "the file is not text".to_owned())
}

/// Refuses a file over [`MAX_FILE_BYTES`] before it is read ("more than the 32 MB {what}").
fn check_size(file: &web_sys::File, what: &str) -> Result<(), String> {
    if file.size() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {:.1} MB, more than the {} MB {what}",
            file.size() / 1024.0 / 1024.0,
            MAX_FILE_BYTES / 1024.0 / 1024.0
        ));
    }
    Ok(())
}

/// Reads the bytes of a file the user picked or dropped (at most [`MAX_FILE_BYTES`]).
///
/// # Errors
/// A message when the file is too big or cannot be read.
pub async fn read_bytes(file: web_sys::File) -> Result<Vec<u8>, String> {
    check_size(&file, "are read here")?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("could not read the file ({e:?})"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Handles a file input's `change` event: reads the picked file's text ([`read_text`]) and
/// hands the result to `then`. The input is cleared first, so picking the same file again
/// fires another change. Nothing happens when no file was picked.
pub fn on_picked_text(ev: &web_sys::Event, then: impl FnOnce(Result<String, String>) + 'static) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    input.set_value("");
    wasm_bindgen_futures::spawn_local(async move { then(read_text(file).await) });
}

/// Copies `text` to the clipboard (best effort: browsers refuse outside secure contexts).
pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}
