//! The Learn screens: the home screen with its guided path ([`home`]), the hash playground
//! ([`hash`]) and the keys walkthrough ([`keys`]); the progress they tick ([`progress`]), the
//! path's words ([`path`]) and the "show code" toggle ([`code`]).

pub mod code;
pub mod hash;
pub mod home;
pub mod keys;
pub mod path;
pub mod progress;
