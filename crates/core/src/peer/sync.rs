//! The headers-first sync: asks a heavier peer for headers (checked with the one header
//! check, [`crate::chain::check_header_run`]), then for bodies appended one by one on a copy,
//! and hands back the validated chain to adopt.

use super::*;
use crate::consensus::is_heavier;

/// Where a running sync is.
#[derive(Debug, Clone)]
pub(super) enum Stage {
    /// Waiting for headers; those already checked and the number of local blocks they build on.
    Headers {
        headers: Vec<Header>,
        keep: Option<usize>,
    },
    /// Fetching bodies; `candidate` holds the local prefix plus the bodies checked so far.
    Bodies {
        headers: Vec<Header>,
        keep: usize,
        candidate: Box<Chain>,
    },
}

#[derive(Debug, Clone)]
pub(super) struct SyncJob {
    pub(super) peer: PeerId,
    /// The id of the request awaiting an answer.
    pub(super) request: u32,
    /// The work the peer claimed (`None` when the sync follows a block, not a status).
    pub(super) claimed: Option<u128>,
    pub(super) stage: Stage,
    pub(super) deadline_ms: u64,
}

/// The fork-choice weight of our first blocks `local` followed by a peer's checked headers.
fn proven_weight(local: &[Block], headers: &[Header], params: &ChainParams) -> u128 {
    params
        .consensus
        .weight(local.iter().map(|b| &b.header).chain(headers))
}
impl Peers {
    pub(super) fn start_sync(
        &mut self,
        peer: &PeerId,
        claimed: Option<u128>,
        chain: &Chain,
        now_ms: u64,
    ) -> String {
        let job = SyncJob {
            peer: peer.clone(),
            request: 0,
            claimed,
            stage: Stage::Headers {
                headers: Vec::new(),
                keep: None,
            },
            deadline_ms: 0,
        };
        let locator = locator(chain);
        self.request(job, peer, now_ms, |request| Message::GetHeaders {
            request,
            locator,
        })
    }

    pub(super) fn serve_headers(
        &self,
        to: &PeerId,
        request: u32,
        locator: &[BlockHash],
        chain: &Chain,
    ) -> Reaction {
        let blocks = chain.blocks();
        let index: BTreeMap<BlockHash, usize> = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.hash(), i))
            .collect();
        let start = locator.iter().find_map(|h| index.get(h)).map(|i| i + 1);
        let headers = match start {
            Some(s) => blocks
                .iter()
                .skip(s)
                .take(MAX_HEADERS)
                .map(|b| b.header.clone())
                .collect(),
            None => Vec::new(),
        };
        Reaction {
            send: vec![self.envelope(Some(to), Message::Headers { request, headers })],
            ..Reaction::default()
        }
    }

    pub(super) fn serve_blocks(
        &self,
        to: &PeerId,
        request: u32,
        hashes: &[BlockHash],
        chain: &Chain,
    ) -> Reaction {
        let index: BTreeMap<BlockHash, &Block> =
            chain.blocks().iter().map(|b| (b.hash(), b)).collect();
        let blocks = hashes
            .iter()
            .filter_map(|h| index.get(h).map(|b| (*b).clone()))
            .collect();
        Reaction {
            send: vec![self.envelope(Some(to), Message::Blocks { request, blocks })],
            ..Reaction::default()
        }
    }

    /// Whether the running sync waits for this answer from `from` (a late answer to an older
    /// request, or one nobody asked for, is ignored without blaming the peer).
    pub(super) fn answers_request(
        &mut self,
        from: &PeerId,
        request: u32,
        what: &str,
        now_ms: u64,
    ) -> bool {
        let expected = self
            .sync
            .as_ref()
            .is_some_and(|job| &job.peer == from && job.request == request);
        if !expected {
            self.note(
                Some(from),
                now_ms,
                format!("ignored {what} that answer no pending request"),
            );
        }
        expected
    }

    /// The running sync, when it is with `from` (answers from anyone else are ignored).
    pub(super) fn job_with(&mut self, from: &PeerId, what: &str, now_ms: u64) -> Option<SyncJob> {
        match self.sync.take() {
            Some(job) if &job.peer == from => Some(job),
            other => {
                self.sync = other;
                self.note(Some(from), now_ms, format!("ignored unrequested {what}"));
                None
            }
        }
    }

    pub(super) fn on_headers(
        &mut self,
        from: &PeerId,
        batch: Vec<Header>,
        chain: &Chain,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        let Some(mut job) = self.job_with(from, "headers", now_ms) else {
            return Reaction::default();
        };
        let Stage::Headers { mut headers, keep } = job.stage else {
            self.note(
                Some(from),
                now_ms,
                "ignored headers while fetching blocks".into(),
            );
            self.sync = Some(job);
            return Reaction::default();
        };
        let valid = &chain.blocks()[..chain.valid_len().max(1).min(chain.len())];
        // Where the batch attaches: after the headers already received, else on a local block.
        let (keep, parent) = match (keep, headers.last()) {
            (Some(k), Some(last)) => (k, last.clone()),
            _ => {
                let Some(first) = batch.first() else {
                    // Nothing after the newest hash it knows: its chain is a prefix of ours.
                    let keep = valid.len();
                    return self.finish_headers(
                        from,
                        job.claimed,
                        headers,
                        keep,
                        chain,
                        params,
                        now_ms,
                    );
                };
                match valid.iter().position(|b| b.hash() == first.prev_hash) {
                    Some(i) => (i + 1, valid[i].header.clone()),
                    None => {
                        self.flag(
                            from,
                            now_ms,
                            format!(
                                "sent headers that build on {:#}, a block of none of the chain it was asked about",
                                first.prev_hash
                            ),
                        );
                        return Reaction::default();
                    }
                }
            }
        };
        if let Err(reason) = check_header_run(&parent, &batch, params) {
            self.flag(from, now_ms, format!("sent invalid headers: {reason}"));
            return Reaction::default();
        }
        let full = batch.len() == MAX_HEADERS;
        headers.extend(batch);
        let proven = proven_weight(&valid[..keep], &headers, params);
        let more_needed = job
            .claimed
            .map_or(!is_heavier(proven, chain.valid_work()), |c| proven < c);
        if full && more_needed {
            let mut loc = vec![headers.last().map(Header::hash).unwrap_or_default()];
            loc.extend(locator(chain).into_iter().take(MAX_LOCATOR - 1));
            job.stage = Stage::Headers {
                headers,
                keep: Some(keep),
            };
            let ask = self.request(job, from, now_ms, |request| Message::GetHeaders {
                request,
                locator: loc,
            });
            return Reaction {
                send: vec![ask],
                ..Reaction::default()
            };
        }
        self.finish_headers(from, job.claimed, headers, keep, chain, params, now_ms)
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the step needs the job's parts and the local context"
    )]
    pub(super) fn finish_headers(
        &mut self,
        from: &PeerId,
        claimed: Option<u128>,
        headers: Vec<Header>,
        keep: usize,
        chain: &Chain,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        let proven = proven_weight(&chain.blocks()[..keep.min(chain.len())], &headers, params);
        if let Some(c) = claimed {
            if proven < c {
                self.flag(
                    from,
                    now_ms,
                    format!("claimed total work {c}, but its headers prove only {proven}"),
                );
                return Reaction::default();
            }
        }
        if headers.is_empty() || !is_heavier(proven, chain.valid_work()) {
            self.note(
                Some(from),
                now_ms,
                format!("its chain (work {proven}) is not heavier than ours"),
            );
            return Reaction::default();
        }
        let mut candidate = chain.clone();
        if let Err(e) = candidate.reorg(keep, Vec::new(), params) {
            // Cannot happen with no new blocks; kept as a refusal rather than a panic.
            self.note(Some(from), now_ms, format!("sync abandoned: {e}"));
            return Reaction::default();
        }
        let ask: Vec<BlockHash> = headers.iter().take(MAX_BLOCKS).map(Header::hash).collect();
        let job = SyncJob {
            peer: from.clone(),
            request: 0,
            claimed,
            stage: Stage::Bodies {
                headers,
                keep,
                candidate: Box::new(candidate),
            },
            deadline_ms: 0,
        };
        let ask = self.request(job, from, now_ms, |request| Message::GetBlocks {
            request,
            hashes: ask,
        });
        Reaction {
            send: vec![ask],
            ..Reaction::default()
        }
    }

    pub(super) fn on_blocks(
        &mut self,
        from: &PeerId,
        blocks: Vec<Block>,
        chain: &Chain,
        pool: &Mempool,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        let Some(mut job) = self.job_with(from, "blocks", now_ms) else {
            return Reaction::default();
        };
        let Stage::Bodies {
            headers,
            keep,
            mut candidate,
        } = job.stage
        else {
            self.note(
                Some(from),
                now_ms,
                "ignored blocks while fetching headers".into(),
            );
            self.sync = Some(job);
            return Reaction::default();
        };
        if blocks.is_empty() {
            self.note(
                Some(from),
                now_ms,
                "sync abandoned: the peer sent no blocks".into(),
            );
            return Reaction::default();
        }
        for block in blocks {
            let done = candidate.len() - keep;
            let Some(expected) = headers.get(done) else {
                self.flag(from, now_ms, "sent more blocks than asked".into());
                return Reaction::default();
            };
            if block.header != *expected {
                self.flag(
                    from,
                    now_ms,
                    format!(
                        "sent block {:#} where #{} {:#} was asked",
                        block.hash(),
                        expected.height,
                        expected.hash()
                    ),
                );
                return Reaction::default();
            }
            let height = block.header.height;
            if let Err(e) = candidate.append(block, params) {
                self.flag(
                    from,
                    now_ms,
                    format!("sent invalid block #{height}: {}", reasons(&e)),
                );
                return Reaction::default();
            }
        }
        let done = candidate.len() - keep;
        if done < headers.len() {
            let ask = headers
                .iter()
                .skip(done)
                .take(MAX_BLOCKS)
                .map(Header::hash)
                .collect();
            job.stage = Stage::Bodies {
                headers,
                keep,
                candidate,
            };
            let ask = self.request(job, from, now_ms, |request| Message::GetBlocks {
                request,
                hashes: ask,
            });
            return Reaction {
                send: vec![ask],
                ..Reaction::default()
            };
        }
        self.adopt(from, *candidate, keep, chain, pool, params, now_ms)
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the last step needs the candidate and the local context"
    )]
    pub(super) fn adopt(
        &mut self,
        from: &PeerId,
        candidate: Chain,
        keep: usize,
        chain: &Chain,
        pool: &Mempool,
        params: &ChainParams,
        now_ms: u64,
    ) -> Reaction {
        if chain.common_prefix(&candidate) < keep {
            self.note(
                Some(from),
                now_ms,
                "sync abandoned: our chain changed meanwhile".into(),
            );
            return Reaction::default();
        }
        let ours = chain.valid_work();
        let theirs = candidate.total_work();
        if candidate.valid_len() != candidate.len() || !is_heavier(theirs, ours) {
            self.note(
                Some(from),
                now_ms,
                format!("its validated chain (work {theirs}) is not heavier than ours ({ours})"),
            );
            return Reaction::default();
        }
        let dropped = chain.blocks()[keep..].to_vec();
        let added = candidate.blocks()[keep..].to_vec();
        let mut p = pool.clone();
        let returned = p.on_reorg(&dropped, &added, candidate.state(), params);
        self.note(
            Some(from),
            now_ms,
            format!(
                "validated its heavier chain: {} blocks to add, {} to drop ({returned} transactions back to the mempool), work {ours} -> {theirs}",
                added.len(),
                dropped.len()
            ),
        );
        let status = self.status(&candidate);
        Reaction {
            send: vec![status],
            adopt: Some(Adoption {
                chain: candidate,
                dropped,
                added,
            }),
            mempool: Some(p),
        }
    }
}

pub(super) fn reasons(e: &AppendError) -> String {
    let all: Vec<String> = e.problems.iter().map(ToString::to_string).collect();
    all.join("; ")
}
