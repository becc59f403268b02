//! Browser adapters behind small functions and the core's traits ([`blocklab_core::persist::KeyValueStore`],
//! `rpc::Transport`): storage, miner workers, the attack lab's simulation worker, the tabs' channel, fetch, files, clock, random
//! bytes, secret inputs, routes, Unicode normalisation. Views and actions still call `web-sys` for DOM events and
//! console messages; every other browser API is reached through here.

pub mod broadcast;
pub mod clock;
pub mod files;
pub mod locks;
pub mod nfkd;
pub mod prefill;
pub mod random;
pub mod route;
pub mod rpc;
pub mod secret;
pub mod sim;
pub mod storage;
pub mod workers;
