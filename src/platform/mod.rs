//! Browser adapters. Everything that touches `web-sys` lives here, behind small functions and
//! the core's [`blocklab_core::persist::KeyValueStore`] trait.

pub mod broadcast;
pub mod clock;
pub mod files;
pub mod miner_protocol;
pub mod random;
pub mod route;
pub mod rpc;
pub mod sim_protocol;
pub mod sim_worker;
pub mod storage;
pub mod text;
pub mod workers;
