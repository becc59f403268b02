//! What a miner reports ([`MinerEvent`], per worker [`WorkerStat`]) and the [`Miner`] trait the
//! worker pool and the main-thread fallback implement.

use std::rc::Rc;

use blocklab_core::Header;

/// What one worker (or the main thread) has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkerStat {
    /// Nonces tried.
    pub attempts: u64,
    /// Hashes per second over the worker's time on the job.
    pub rate: f64,
}

/// What a [`Miner`] reports about a search.
#[derive(Debug, Clone, PartialEq)]
pub enum MinerEvent {
    /// Hashing runs on `workers` workers (1 for the main thread).
    Running { workers: u32 },
    /// Progress of each worker.
    Progress { workers: Vec<WorkerStat> },
    /// A valid nonce, after `attempts` tries by all workers together.
    Found { nonce: u64, attempts: u64 },
    /// The whole nonce space was tried.
    Exhausted { attempts: u64 },
    /// A worker's four-lane hit failed sha2's re-check (a bug report for the user; the nonce was
    /// not announced and the worker goes on with sha2).
    LaneBug { report: String },
    /// Workers cannot run here (the reason is for the user); nothing more follows.
    Unavailable { reason: String },
}

/// Where a [`Miner`] reports.
pub type EventSink = Rc<dyn Fn(MinerEvent)>;

/// Something that searches nonces for a header and reports through an [`EventSink`].
pub trait Miner {
    /// Searches nonces for `header` (at its difficulty) with up to `workers` workers,
    /// replacing any search already running.
    fn start(&self, header: &Header, workers: u32, sink: EventSink);
    /// Stops the running search at once; its sink hears nothing more.
    fn stop(&self);
}
