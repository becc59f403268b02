//! The live race panel's state: the core's [`LiveRace`] stepped on a timer, and its log.

use std::time::Duration;

use blocklab_core::attack::live::{LiveConfig, LiveEvent, LiveRace};
use leptos::prelude::*;

/// Time between two steps of the live race while playing.
pub const LIVE_TICK: Duration = Duration::from_millis(150);
/// Most lines kept in the live race's log.
pub const LOG_LINES: usize = 12;
/// Races "Run 10 races" adds, and the most steps it lets them take.
pub const MANY_RACES: u64 = 10;
const MANY_MAX_TICKS: u64 = 1_000_000;

/// What the log keeps: an event of the race, or a note of the panel.
#[derive(Debug, Clone, PartialEq)]
pub enum LogLine {
    Event(LiveEvent),
    RanMany(u64),
}

/// The live race panel: the core's [`LiveRace`] (two nodes of a `node::Network`), stepped on
/// a timer while playing.
#[derive(Clone, Copy)]
pub struct LiveState {
    pub q: RwSignal<String>,
    pub z: RwSignal<String>,
    pub error: RwSignal<Option<String>>,
    pub race: RwSignal<Option<LiveRace>, LocalStorage>,
    pub log: RwSignal<Vec<LogLine>>,
    pub playing: RwSignal<bool>,
    timer: StoredValue<Option<IntervalHandle>, LocalStorage>,
}

impl Default for LiveState {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveState {
    /// Races with the core's default settings (q = 0.3, z = 2); the timer stops when the
    /// panel goes.
    pub fn new() -> Self {
        let c = LiveConfig::default();
        let s = Self {
            q: RwSignal::new(c.q.to_string()),
            z: RwSignal::new(c.z.to_string()),
            error: RwSignal::new(None),
            race: RwSignal::new_local(LiveRace::new(c).ok()),
            log: RwSignal::new(Vec::new()),
            playing: RwSignal::new(false),
            timer: StoredValue::new_local(None),
        };
        // The panel's signals are disposed with it: the cleanup only clears the timer, and
        // only if its store is still alive (touching a disposed value panics).
        on_cleanup(move || {
            s.timer.try_update_value(|t| {
                if let Some(t) = t.take() {
                    t.clear();
                }
            });
        });
        s
    }

    /// Stops playing.
    pub fn pause(self) {
        self.timer.update_value(|t| {
            if let Some(t) = t.take() {
                t.clear();
            }
        });
        self.playing.set(false);
    }

    fn push(self, lines: impl IntoIterator<Item = LogLine>) {
        self.log.update(|l| {
            l.extend(lines);
            let extra = l.len().saturating_sub(LOG_LINES);
            l.drain(..extra);
        });
    }

    /// One step of the race (a tick in which a block may be found).
    pub fn step(self) {
        let mut events = Vec::new();
        self.race.update(|r| {
            if let Some(r) = r {
                events = r.step();
            }
        });
        self.push(events.into_iter().map(LogLine::Event));
    }

    /// New races with the typed q and z (the tally starts again).
    pub fn restart(self) {
        self.pause();
        match LiveConfig::parse(&self.q.get_untracked(), &self.z.get_untracked())
            .and_then(LiveRace::new)
        {
            Ok(r) => {
                self.race.set(Some(r));
                self.log.set(Vec::new());
                self.error.set(None);
            }
            Err(e) => self.error.set(Some(e.to_string())),
        }
    }

    /// Plays (a step every [`LIVE_TICK`]) or pauses.
    pub fn play_or_pause(self) {
        if self.playing.get_untracked() {
            self.pause();
            return;
        }
        if let Ok(h) = set_interval_with_handle(move || self.step(), LIVE_TICK) {
            self.timer.set_value(Some(h));
            self.playing.set(true);
        }
    }

    /// [`MANY_RACES`] more races at full speed.
    pub fn run_many(self) {
        self.race.update(|r| {
            if let Some(r) = r {
                r.run_races(MANY_RACES, MANY_MAX_TICKS);
            }
        });
        self.push([LogLine::RanMany(MANY_RACES)]);
    }
}
