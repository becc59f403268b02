//! Screens built as a view beside its view model (`pages/<screen>/`).

pub mod learn;
