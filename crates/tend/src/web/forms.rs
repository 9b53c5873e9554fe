//! The workspace's multipart forms (those that carry a file: a picture in
//! the knowledge-base editor, the help centre's logo): their text fields
//! and files, read by `conversations::api::read_form` (files kept in
//! memory, nothing stored, over the attachment limit a 413).

use axum::extract::Request;

use crate::Result;
use crate::attachments::Upload;
use crate::state::AppState;

/// A multipart form as received.
pub struct Multipart {
    fields: Vec<(String, String)>,
    /// Its files, in order.
    pub files: Vec<Upload>,
}

impl Multipart {
    /// Reads the form of a request.
    pub async fn read(st: &AppState, req: Request) -> Result<Multipart> {
        let (fields, files) = crate::conversations::api::read_form(st, req).await?;
        Ok(Multipart { fields, files })
    }

    /// A text field's value (the first of its name), else empty.
    pub fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}
