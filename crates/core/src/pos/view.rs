//! What the proof-of-stake lab shows, as plain data: node rows, validator rows with their
//! duties, the run's summary and the comparison with a proof-of-work run. The page lays
//! these out; every number comes from the core's rules.

use crate::address::Address;
use crate::amount::Wei;
use crate::attack::double_spend::nakamoto;
use crate::attack::stake::stake_costs;
use crate::hash::Hash32;
use crate::node::network::node_name;

use super::client::Behaviour;
use super::duties::{epoch_of, start_slot};
use super::sim::PosNetwork;
use super::state::FAR_FUTURE;
use super::types::{Checkpoint, Slot, ValidatorIndex};
use super::ETH;

/// One node's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRow {
    pub index: usize,
    pub name: String,
    pub head_slot: Slot,
    pub head: Hash32,
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
    pub blocks: usize,
    pub compromised: bool,
}

pub fn node_rows(net: &PosNetwork) -> Vec<NodeRow> {
    net.nodes()
        .iter()
        .enumerate()
        .map(|(i, n)| NodeRow {
            index: i,
            name: node_name(i),
            head_slot: n.head_entry().map_or(0, |e| e.slot),
            head: n.head(),
            justified: n.justified(),
            finalized: n.finalized(),
            blocks: n.entries().count(),
            compromised: net.is_compromised(i),
        })
        .collect()
}

/// Where a validator stands, as node A sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    /// Its client is offline: it misses its duties.
    Offline,
    /// Its client signs conflicting messages.
    Equivocating,
    Slashed,
    Exiting,
    Exited,
    /// Deposited, not active yet.
    Pending,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Offline => "offline",
            Self::Equivocating => "equivocating",
            Self::Slashed => "slashed",
            Self::Exiting => "exiting",
            Self::Exited => "exited",
            Self::Pending => "pending",
        }
    }

    /// Whether the row deserves attention (it costs the network votes or was punished).
    pub fn is_trouble(self) -> bool {
        matches!(self, Self::Slashed | Self::Offline | Self::Equivocating)
    }

    /// Whether its stake counts towards the active total.
    fn counts(self) -> bool {
        matches!(self, Self::Active | Self::Offline | Self::Equivocating)
    }
}

/// One validator as node A sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorRow {
    pub index: ValidatorIndex,
    pub address: Address,
    pub balance: Wei,
    pub effective: u64,
    pub status: Status,
    /// Whether the lab holds its key (it can be taken offline, equivocate or exit).
    pub ours: bool,
    pub online: bool,
    /// Slots of the current epoch it proposes in.
    pub proposes: Vec<Slot>,
    /// The slot of the current epoch it votes in.
    pub votes_in: Option<Slot>,
    pub host: Option<String>,
}

pub fn validator_rows(net: &PosNetwork) -> Vec<ValidatorRow> {
    let p = *net.params();
    let Some(node) = net.nodes().first() else {
        return Vec::new();
    };
    let Some(state) = node.state_at_slot(net.slot()) else {
        return Vec::new();
    };
    let epoch = epoch_of(net.slot(), p.slots_per_epoch);
    let first = start_slot(epoch, p.slots_per_epoch);
    let slots: Vec<Slot> = (first..first + p.slots_per_epoch).collect();
    let proposers: Vec<(Slot, Option<ValidatorIndex>)> =
        slots.iter().map(|s| (*s, state.proposer(*s, &p))).collect();
    let committees: Vec<(Slot, Vec<ValidatorIndex>)> = slots
        .iter()
        .map(|s| (*s, state.committee(*s, &p).unwrap_or_default()))
        .collect();
    state
        .validators
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let index = ValidatorIndex::try_from(i).ok()?;
            let client = net.client(&v.address);
            let online = client.is_some_and(|c| c.online);
            let status = if v.slashed {
                Status::Slashed
            } else if v.withdrawn || (v.exit_epoch != FAR_FUTURE && v.exit_epoch <= epoch) {
                Status::Exited
            } else if v.exit_epoch != FAR_FUTURE {
                Status::Exiting
            } else if v.activation_epoch > epoch {
                Status::Pending
            } else if client.is_some_and(|c| c.behaviour == Behaviour::Equivocating) {
                Status::Equivocating
            } else if !online {
                Status::Offline
            } else {
                Status::Active
            };
            Some(ValidatorRow {
                index,
                address: v.address,
                balance: Wei::from_wei(v.balance),
                effective: v.effective,
                status,
                ours: client.is_some(),
                online,
                proposes: proposers
                    .iter()
                    .filter(|(_, p)| *p == Some(index))
                    .map(|(s, _)| *s)
                    .collect(),
                votes_in: committees
                    .iter()
                    .find(|(_, c)| c.contains(&index))
                    .map(|(s, _)| *s),
                host: client.map(|c| node_name(c.host)),
            })
        })
        .collect()
}

/// The first validators (by index) whose stake together is more than a third of the active
/// stake: the smallest group that stops finality by going offline.
pub fn more_than_a_third(net: &PosNetwork) -> Vec<Address> {
    let rows = validator_rows(net);
    let total: u64 = rows
        .iter()
        .filter(|r| r.status.counts())
        .map(|r| r.effective)
        .sum();
    let mut out = Vec::new();
    let mut stake = 0u64;
    for r in rows.iter().filter(|r| r.ours && r.status == Status::Active) {
        if 3 * stake > total {
            break;
        }
        stake += r.effective;
        out.push(r.address);
    }
    out
}

/// The run in numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub slot: Slot,
    pub epoch: u64,
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
    pub online_stake: u64,
    pub total_stake: u64,
    pub blocks: u64,
    pub missed: u64,
    pub signatures_made: u64,
    pub signatures_checked: u64,
    /// Slots from the finalized checkpoint to the head on node A (how far back finality is).
    pub finality_lag: Slot,
    /// Whether 2/3 of the stake is online (finality can advance).
    pub can_finalize: bool,
}

pub fn summary(net: &PosNetwork) -> Summary {
    let p = net.params();
    let node = net.nodes().first();
    let justified = node.map(|n| n.justified()).unwrap_or_default();
    let finalized = node.map(|n| n.finalized()).unwrap_or_default();
    let (online, total) = net.online_stake();
    Summary {
        slot: net.slot(),
        epoch: net.epoch(),
        justified,
        finalized,
        online_stake: online,
        total_stake: total,
        blocks: net.stats.blocks,
        missed: net.stats.missed,
        signatures_made: net.signatures_made(),
        signatures_checked: net.signatures_checked(),
        finality_lag: net
            .slot()
            .saturating_sub(start_slot(finalized.epoch, p.slots_per_epoch)),
        can_finalize: total > 0 && 3 * online >= 2 * total,
    }
}

/// A proof-of-work run's numbers, as the Nodes screen's network reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PowRun {
    pub blocks: u64,
    /// Expected hashes behind the best chain (the fork-choice weight).
    pub expected_hashes: u128,
    /// Transactions applied on the best chain.
    pub transactions: u64,
}

impl PowRun {
    /// The numbers of a proof-of-work network: its heaviest node's chain.
    pub fn of(net: &crate::node::network::Network) -> Self {
        let best = net
            .nodes()
            .iter()
            .map(|n| (n.chain().total_work(), n))
            .max_by_key(|(w, _)| *w)
            .map(|(_, n)| n);
        best.map_or_else(Self::default, |n| Self {
            blocks: n.chain().tip().header.height,
            expected_hashes: n.chain().total_work(),
            transactions: transactions_applied(n.chain().state()),
        })
    }
}

/// How many transactions a ledger has applied: the sum of its accounts' nonces (each applied
/// transaction advances its sender's nonce by one).
pub fn transactions_applied(ledger: &crate::state::State) -> u64 {
    ledger
        .accounts()
        .values()
        .fold(0u64, |acc, a| acc.saturating_add(a.nonce))
}

/// One account of the execution ledger, as a node's head sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub address: Address,
    pub balance: Wei,
    pub nonce: u64,
    /// The deposit address, or a genesis validator's ("validator #i").
    pub role: Option<String>,
}

/// The ledger's accounts on node `node`'s head, the richest first, then by address.
pub fn account_rows(net: &PosNetwork, node: usize) -> Vec<AccountRow> {
    let Some(state) = net.nodes().get(node).and_then(|n| n.head_state()) else {
        return Vec::new();
    };
    let mut rows: Vec<AccountRow> = state
        .ledger
        .accounts()
        .iter()
        .map(|(address, a)| AccountRow {
            address: *address,
            balance: a.balance,
            nonce: a.nonce,
            role: if *address == super::DEPOSIT_ADDRESS {
                Some("deposit address".to_owned())
            } else {
                state.index_of(address).map(|i| format!("validator #{i}"))
            },
        })
        .collect();
    rows.sort_by(|a, b| b.balance.cmp(&a.balance).then(a.address.cmp(&b.address)));
    rows
}

/// One transfer waiting on a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingRow {
    pub hash: crate::hash::TxHash,
    pub from: Address,
    pub to: Option<Address>,
    pub value: Wei,
    pub nonce: u64,
}

/// The transfers waiting on node `node` (pooled, not in its head's branch).
pub fn waiting_rows(net: &PosNetwork, node: usize) -> Vec<WaitingRow> {
    net.nodes()
        .get(node)
        .map(|n| {
            n.waiting_transfers()
                .iter()
                .map(|t| WaitingRow {
                    hash: t.hash(),
                    from: t.sender(),
                    to: t.tx().to().copied(),
                    value: Wei::from_wei(u128::try_from(t.tx().value()).unwrap_or(u128::MAX)),
                    nonce: t.tx().nonce(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One row of the comparison panel: what it is, for proof of work, for proof of stake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRow {
    pub key: &'static str,
    pub label: &'static str,
    pub pow: String,
    pub pos: String,
}

fn eth(units: u64) -> String {
    Wei::from_wei(u128::from(units) * ETH).to_coins() + " ETH"
}

/// The comparison of the two runs.
pub fn compare(pow: PowRun, net: &PosNetwork) -> Vec<CompareRow> {
    let s = summary(net);
    let p = net.params();
    let costs = stake_costs(Wei::from_wei(u128::from(s.total_stake) * ETH));
    let percent = |q: f64, z: u32| {
        nakamoto(q, z).map_or_else(|e| e.to_string(), |v| format!("{:.4}%", v * 100.0))
    };
    let epoch_secs = p.slot_ms * p.slots_per_epoch / 1000;
    vec![
        CompareRow {
            key: "blocks",
            label: "Blocks",
            pow: pow.blocks.to_string(),
            pos: format!("{} in {} slots ({} missed)", s.blocks, s.slot, s.missed),
        },
        CompareRow {
            key: "transactions",
            label: "Transactions",
            pow: format!("{} applied on the best chain", pow.transactions),
            pos: format!(
                "{} applied on node A's head (transfers and deposits, by the same ledger rules)",
                net.nodes()
                    .first()
                    .and_then(|n| n.head_state())
                    .map_or(0, |s| transactions_applied(&s.ledger))
            ),
        },
        CompareRow {
            key: "finality",
            label: "Time to finality",
            pow: format!(
                "never final, only less likely to revert: after 6 confirmations an attacker with 10% of the hash power still wins with probability {}, with 30% {}",
                percent(0.1, 6),
                percent(0.3, 6)
            ),
            pos: format!(
                "final when the next checkpoint is justified: about 2 epochs ({} s at 1x); this run's finalized checkpoint is epoch {}, {} slots behind the head",
                2 * epoch_secs,
                s.finalized.epoch,
                s.finality_lag
            ),
        },
        CompareRow {
            key: "work",
            label: "Work done",
            pow: format!("about {} hashes (expected, behind the best chain)", pow.expected_hashes),
            pos: format!("{} signatures made, {} checked by the nodes", s.signatures_made, s.signatures_checked),
        },
        CompareRow {
            key: "attacker",
            label: "What an attacker needs",
            pow: "more than half of the hash power wins every race in the end; less wins some races (the formula above)".to_owned(),
            pos: format!(
                "more than 1/3 of the stake ({}) to stop finality; 2/3 ({}) to finalize its own branch; reverting a finalized block gets at least 1/3 ({}) slashed",
                costs.to_stop_finality.to_coins() + " ETH",
                costs.to_finalize.to_coins() + " ETH",
                costs.slashed_to_revert.to_coins() + " ETH"
            ),
        },
        CompareRow {
            key: "stake",
            label: "Online now",
            pow: "any miner may join or leave at any time".to_owned(),
            pos: format!("{} of {} staked", eth(s.online_stake), eth(s.total_stake)),
        },
    ]
}
