//! Browser adapters. Everything that touches `web-sys` lives here, behind small functions and
//! the core's [`blocklab_core::persist::KeyValueStore`] trait.

pub mod broadcast;
pub mod clock;
pub mod files;
pub mod random;
pub mod route;
pub mod rpc;
pub mod secret;
pub mod storage;
pub mod workers;
