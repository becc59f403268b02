//! The live double-spend race on replicated nodes: node 0 is the merchant (and the honest
//! network's hash power, share `p = 1 - q`), node 1 the attacker (share `q`). Blocks are really
//! mined (at a low difficulty) and really checked by each node; the outcome is read from the
//! merchant's chain, not assumed.
//!
//! A race, in ticks (each tick a block is found with probability `activity`, the attacker's
//! with probability `q`):
//! 1. *Premining*: both nodes share one tip. When the attacker finds a block he cuts his link,
//!    mines it privately with a transaction paying his coins back to himself, and sends the
//!    merchant a payment with the same nonce (Rosenfeld's premined block: ties then go to the
//!    attacker, which is the event the formulas count).
//! 2. *Racing*: the merchant's node includes the payment; it accepts after `z` confirmations.
//! 3. Once accepted, the attacker releases his branch as soon as it is longer (more work): the
//!    link comes back, the nodes sync, the merchant reorganises and the payment vanishes (its
//!    nonce is spent by the conflicting transaction). If he falls `D` blocks behind (the
//!    smallest `D` with `(q/p)^D < 0.001`, so the tally's probability moves by less than
//!    0.001) he gives up, and the payment survives.
//!
//! Operations used from [`crate::node`]: `Network::{new, node, mine, submit_tx, set_link,
//! deliver_all}`, `Node::chain`, `Chain::{blocks, len}`.

use k256::ecdsa::SigningKey;

use super::double_spend::{estimate, exact, Estimate};
use super::rng::{threshold, Rng};
use super::{check_q, AttackError};
use crate::address::Address;
use crate::amount::Wei;
use crate::block::{Block, Entry};
use crate::chain::ChainParams;
use crate::genesis::genesis_block;
use crate::hash::TxHash;
use crate::node::network::Network;
use crate::tx::{SignedTx, TxRequest};

/// Node indexes.
pub const MERCHANT: usize = 0;
pub const ATTACKER: usize = 1;
/// Most confirmations the live race waits for.
pub const MAX_LIVE_Z: u32 = 20;
/// Most blocks one live race may take (a majority attacker ends far sooner).
pub const MAX_LIVE_BLOCKS: u32 = 5_000;
/// The attacker's PUBLIC lab key (a constant: this is a classroom chain).
const ATTACKER_KEY: [u8; 32] = [0x42; 32];
const GENESIS_MS: u64 = 1_700_000_000_000;
const TICK_MS: u64 = 1_000;
const GWEI: u128 = 1_000_000_000;

/// Settings of the live race.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveConfig {
    /// Attacker's share of the hash power, in (0, 1).
    pub q: f64,
    /// Confirmations the merchant waits for, 0..=[`MAX_LIVE_Z`].
    pub z: u32,
    /// Probability a block is found in one tick, in (0, 1].
    pub activity: f64,
    /// Leading zero bits every block is mined to, 1..=16.
    pub difficulty: u32,
    pub seed: u64,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            q: 0.3,
            z: 2,
            activity: 0.5,
            difficulty: 8,
            seed: 1,
        }
    }
}

impl LiveConfig {
    /// The default settings with the attacker share `q` and the confirmations `z` as typed.
    ///
    /// # Errors
    /// `q` not a number or outside (0, 1) ([`AttackError::LiveShare`]); `z` not a whole number
    /// from 0 to [`MAX_LIVE_Z`] ([`AttackError::LiveConfirmations`]).
    pub fn parse(q: &str, z: &str) -> Result<Self, AttackError> {
        let q = super::parse_f64("attacker share q", q)?;
        if !(q > 0.0 && q < 1.0) {
            return Err(AttackError::LiveShare(q));
        }
        let z_text = z.trim();
        let z = z_text
            .parse::<u32>()
            .ok()
            .filter(|z| *z <= MAX_LIVE_Z)
            .ok_or_else(|| AttackError::LiveConfirmations(z_text.to_string()))?;
        Ok(Self {
            q,
            z,
            ..Self::default()
        })
    }
}

/// Where the current race stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for the attacker's first private block; the payment is not sent yet.
    Premining,
    /// The payment is out; the merchant has not accepted yet.
    Racing,
    /// The merchant accepted (shipped the goods); the attacker is still mining.
    Accepted,
    /// Over: the payment vanished in a reorganisation (the double spend worked).
    Vanished,
    /// Over: the attacker gave up; the payment stays.
    Survived,
}

impl Phase {
    pub fn is_over(self) -> bool {
        matches!(self, Self::Vanished | Self::Survived)
    }
}

/// Something that happened in one tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    NewRace {
        race: u64,
    },
    HonestBlock {
        height: u64,
    },
    AttackerBlock {
        private: u32,
    },
    PaymentSent,
    Accepted {
        confirmations: u32,
    },
    /// The attacker published `blocks` blocks; the merchant's node reorganised.
    Released {
        blocks: u32,
    },
    Vanished,
    GaveUp {
        behind: u32,
    },
}

/// Running tally over races.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub races: u64,
    pub vanished: u64,
}

/// The live race driver (see the module doc).
#[derive(Debug, Clone)]
pub struct LiveRace {
    config: LiveConfig,
    rng: Rng,
    found: u64,
    attacker_wins: u64,
    give_up: u32,
    genesis: Block,
    params: ChainParams,
    payment: SignedTx,
    conflict: SignedTx,
    net: Network,
    phase: Phase,
    tick: u64,
    honest: u32,
    private: u32,
    tally: Tally,
}

fn address_of(key: &SigningKey) -> Address {
    Address::from_public_key(&k256::PublicKey::from(key.verifying_key()))
}

fn setup_error(e: impl std::fmt::Display) -> AttackError {
    AttackError::NotANumber {
        what: "live race setup",
        text: e.to_string(),
    }
}

impl LiveRace {
    /// A new driver; the first race starts at once.
    ///
    /// # Errors
    /// `q` outside (0, 1), `z` above [`MAX_LIVE_Z`], `activity` outside (0, 1], `difficulty`
    /// outside 1..=16.
    pub fn new(config: LiveConfig) -> Result<Self, AttackError> {
        let q = check_q(config.q)?;
        if q == 0.0 {
            return Err(AttackError::LiveShare(q));
        }
        if config.z > MAX_LIVE_Z {
            return Err(AttackError::LiveConfirmations(config.z.to_string()));
        }
        if !(config.activity > 0.0 && config.activity <= 1.0) {
            return Err(AttackError::Activity(config.activity));
        }
        if !(1..=16).contains(&config.difficulty) {
            return Err(AttackError::Difficulty(config.difficulty));
        }
        let key = SigningKey::from_slice(&ATTACKER_KEY).map_err(setup_error)?;
        let attacker = address_of(&key);
        let merchant = Address::from_bytes([0x4d; 20]);
        let params = ChainParams {
            min_difficulty: config.difficulty,
            ..ChainParams::default()
        };
        let coins = Wei::from_wei(100_000_000_000_000_000_000);
        let sign = |to: Address| -> Result<SignedTx, AttackError> {
            TxRequest::transfer(params.chain_id, 0, to, coins)
                .eip1559(GWEI, 3 * GWEI)
                .and_then(|tx| tx.sign(&key))
                .map_err(setup_error)
        };
        let genesis = genesis_block(
            GENESIS_MS,
            &[(attacker, Wei::from_wei(1_000_000_000_000_000_000_000))],
        );
        let p = 1.0 - q;
        let give_up = if q >= p {
            u32::MAX
        } else {
            let d = (1000f64.ln() / (p / q).ln()).ceil().clamp(1.0, 1e6);
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "clamped to [1, 1e6]"
            )]
            let d = d as u32;
            d
        };
        Ok(Self {
            config,
            rng: Rng::new(config.seed),
            found: threshold(config.activity),
            attacker_wins: threshold(q),
            give_up,
            net: Network::new(2, genesis.clone(), params),
            genesis,
            params,
            payment: sign(merchant)?,
            conflict: sign(attacker)?,
            phase: Phase::Premining,
            tick: 0,
            honest: 0,
            private: 0,
            tally: Tally::default(),
        })
    }

    pub fn config(&self) -> &LiveConfig {
        &self.config
    }

    /// The two nodes (merchant 0, attacker 1).
    pub fn network(&self) -> &Network {
        &self.net
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Ticks in the current race.
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// Honest blocks since the payment was sent.
    pub fn honest_blocks(&self) -> u32 {
        self.honest
    }

    /// The attacker's private blocks (the premined one included).
    pub fn private_blocks(&self) -> u32 {
        self.private
    }

    /// Blocks the attacker may fall behind before he gives up.
    pub fn give_up_deficit(&self) -> u32 {
        self.give_up
    }

    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// The tally as an estimate with its 95% interval.
    pub fn estimate(&self) -> Estimate {
        estimate(self.tally.races, self.tally.vanished, 0.0, 0.0)
    }

    /// The exact probability for this `q` and `z` (what the tally tends to).
    pub fn formula(&self) -> f64 {
        exact(self.config.q, self.config.z).unwrap_or(1.0)
    }

    pub fn payment_hash(&self) -> TxHash {
        self.payment.hash()
    }

    /// Confirmations of the payment on the merchant's chain (0 when it is not there).
    pub fn confirmations(&self) -> u32 {
        confirmations(&self.net, MERCHANT, &self.payment.hash())
    }

    /// Whether the conflicting transaction (the coins back to the attacker) is in the
    /// merchant's chain.
    pub fn conflict_on_merchant(&self) -> bool {
        confirmations(&self.net, MERCHANT, &self.conflict.hash()) > 0
    }

    fn fresh_race(&mut self) {
        self.net = Network::new(2, self.genesis.clone(), self.params);
        self.phase = Phase::Premining;
        self.tick = 0;
        self.honest = 0;
        self.private = 0;
    }

    fn mine(&mut self, node: usize) -> bool {
        let ts = GENESIS_MS + self.tick * TICK_MS;
        let beneficiary = if node == MERCHANT {
            Address::from_bytes([0x11; 20])
        } else {
            Address::from_bytes([0xaa; 20])
        };
        self.net
            .mine(node, ts, self.config.difficulty, beneficiary, u64::MAX)
            .is_some()
    }

    /// One tick. A finished race is followed by a new one on the next tick.
    pub fn step(&mut self) -> Vec<LiveEvent> {
        let mut events = Vec::new();
        if self.phase.is_over() {
            self.fresh_race();
            events.push(LiveEvent::NewRace {
                race: self.tally.races + 1,
            });
        }
        self.tick += 1;
        if !self.rng.below(self.found) {
            return events;
        }
        let attacker = self.rng.below(self.attacker_wins);
        match (self.phase, attacker) {
            (Phase::Premining, false) => {
                self.mine(MERCHANT);
                self.net.deliver_all(10_000);
                events.push(LiveEvent::HonestBlock {
                    height: self.merchant_height(),
                });
            }
            (Phase::Premining, true) => {
                self.net.set_link(MERCHANT, ATTACKER, false);
                // Refusals cannot happen on a fresh chain (nonce 0, funded); the outcome
                // below is read from the chain either way.
                let _ = self.net.submit_tx(ATTACKER, self.conflict.clone());
                if self.mine(ATTACKER) {
                    self.private += 1;
                }
                events.push(LiveEvent::AttackerBlock {
                    private: self.private,
                });
                let _ = self.net.submit_tx(MERCHANT, self.payment.clone());
                events.push(LiveEvent::PaymentSent);
                self.phase = Phase::Racing;
            }
            (_, false) => {
                if self.mine(MERCHANT) {
                    self.honest += 1;
                }
                events.push(LiveEvent::HonestBlock {
                    height: self.merchant_height(),
                });
            }
            (_, true) => {
                if self.mine(ATTACKER) {
                    self.private += 1;
                }
                events.push(LiveEvent::AttackerBlock {
                    private: self.private,
                });
            }
        }
        self.settle(&mut events);
        events
    }

    fn merchant_height(&self) -> u64 {
        self.net
            .node(MERCHANT)
            .map_or(0, |n| n.chain().len().saturating_sub(1) as u64)
    }

    /// Acceptance, release and giving up, after a block.
    fn settle(&mut self, events: &mut Vec<LiveEvent>) {
        if self.phase == Phase::Racing {
            let c = self.confirmations();
            if c >= self.config.z {
                self.phase = Phase::Accepted;
                events.push(LiveEvent::Accepted { confirmations: c });
            }
        }
        if self.phase == Phase::Accepted && self.private > self.honest {
            self.net.set_link(MERCHANT, ATTACKER, true);
            self.net.deliver_all(100_000);
            events.push(LiveEvent::Released {
                blocks: self.private,
            });
            self.finish(events);
            return;
        }
        let behind = (self.honest + 1).saturating_sub(self.private);
        let too_long = self.honest + self.private >= MAX_LIVE_BLOCKS;
        if self.phase != Phase::Premining && (behind >= self.give_up || too_long) {
            events.push(LiveEvent::GaveUp { behind });
            self.net.set_link(MERCHANT, ATTACKER, true);
            self.net.deliver_all(100_000);
            self.finish(events);
        }
    }

    /// Reads the outcome from the merchant's chain and counts it.
    fn finish(&mut self, events: &mut Vec<LiveEvent>) {
        let vanished = self.confirmations() == 0 && self.conflict_on_merchant();
        self.tally.races += 1;
        if vanished {
            self.tally.vanished += 1;
            self.phase = Phase::Vanished;
            events.push(LiveEvent::Vanished);
        } else {
            self.phase = Phase::Survived;
        }
    }

    /// Runs ticks until `races` more races have finished (or `max_ticks` passed).
    pub fn run_races(&mut self, races: u64, max_ticks: u64) {
        let target = self.tally.races + races;
        for _ in 0..max_ticks {
            if self.tally.races >= target {
                break;
            }
            self.step();
        }
    }
}

/// Depth of the block holding `tx` in node `i`'s active chain (1 = in the tip), 0 if absent.
fn confirmations(net: &Network, i: usize, tx: &TxHash) -> u32 {
    let Some(node) = net.node(i) else {
        return 0;
    };
    let blocks = node.chain().blocks();
    blocks
        .iter()
        .rposition(|b| {
            b.entries
                .iter()
                .any(|e| matches!(e, Entry::Tx { raw, .. } if raw.hash() == *tx))
        })
        .map_or(0, |h| u32::try_from(blocks.len() - h).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn a_race_ends_with_the_outcome_read_from_the_merchants_chain() {
        let mut race = LiveRace::new(LiveConfig {
            q: 0.45,
            z: 1,
            activity: 1.0,
            difficulty: 4,
            seed: 3,
        })
        .unwrap();
        let mut saw_vanish = false;
        let mut saw_survive = false;
        for _ in 0..40 {
            race.run_races(1, 100_000);
            match race.phase() {
                Phase::Vanished => {
                    saw_vanish = true;
                    assert_eq!(race.confirmations(), 0);
                    assert!(race.conflict_on_merchant());
                    // Both nodes agree after the release.
                    let net = race.network();
                    assert_eq!(
                        net.node(0).unwrap().chain().tip().hash(),
                        net.node(1).unwrap().chain().tip().hash()
                    );
                }
                Phase::Survived => {
                    saw_survive = true;
                    assert!(race.confirmations() >= 1);
                    assert!(!race.conflict_on_merchant());
                }
                other => panic!("race not over: {other:?}"),
            }
        }
        assert!(saw_vanish && saw_survive);
        assert_eq!(race.tally().races, 40);
    }

    #[test]
    fn tally_tends_to_the_formula() {
        let mut race = LiveRace::new(LiveConfig {
            q: 0.3,
            z: 2,
            activity: 1.0,
            difficulty: 2,
            seed: 11,
        })
        .unwrap();
        race.run_races(300, 1_000_000);
        let est = race.estimate();
        let want = race.formula();
        let se = (want * (1.0 - want) / 300.0).sqrt();
        assert_eq!(est.trials, 300);
        // The give-up rule lowers the probability by less than 0.001.
        assert!(
            (est.p - want).abs() <= 4.0 * se + 0.001,
            "tally {} vs formula {want}",
            est.p
        );
    }

    #[test]
    fn deterministic_and_bad_settings_refused() {
        let cfg = LiveConfig::default();
        let mut a = LiveRace::new(cfg).unwrap();
        let mut b = LiveRace::new(cfg).unwrap();
        let ea: Vec<_> = (0..200).flat_map(|_| a.step()).collect();
        let eb: Vec<_> = (0..200).flat_map(|_| b.step()).collect();
        assert_eq!(ea, eb);
        assert!(ea.contains(&LiveEvent::PaymentSent));
        for bad in [
            LiveConfig { q: 0.0, ..cfg },
            LiveConfig { q: 1.0, ..cfg },
            LiveConfig { z: 21, ..cfg },
            LiveConfig {
                activity: 0.0,
                ..cfg
            },
            LiveConfig {
                difficulty: 0,
                ..cfg
            },
        ] {
            assert!(LiveRace::new(bad).is_err(), "{bad:?}");
        }
    }
}
