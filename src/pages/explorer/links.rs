//! What the explorer's two sources share on screen: links that lead to the pages of the source
//! they were drawn for, and the transaction table. The lab chain's `data-testid`s are kept; the
//! node's carry a `node-` prefix.

use blocklab_core::address::Address;
use blocklab_core::explorer::node::NodePage;
use blocklab_core::{Height, TxHash};
use leptos::prelude::*;

use super::Linked;
use crate::platform::route::ExplorerPage;

/// Which chain a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// The lab chain in this tab.
    Lab,
    /// The node connected on the Network screen.
    Node,
}

impl Source {
    fn block_href(self, n: u64) -> String {
        match self {
            Self::Lab => ExplorerPage::Block(Height(n)).href(),
            Self::Node => NodePage::Block(n).href(),
        }
    }

    fn tx_href(self, h: TxHash) -> String {
        match self {
            Self::Lab => ExplorerPage::Tx(h).href(),
            Self::Node => NodePage::Tx(h).href(),
        }
    }

    fn address_href(self, a: Address) -> String {
        match self {
            Self::Lab => ExplorerPage::Address(a).href(),
            Self::Node => NodePage::Address(a).href(),
        }
    }

    /// The `data-testid` `name` on this source's pages.
    fn id(self, lab: &'static str, node: &'static str) -> &'static str {
        match self {
            Self::Lab => lab,
            Self::Node => node,
        }
    }
}

/// `#n`, linking to block `n`.
pub(super) fn block_link(s: Source, n: u64) -> impl IntoView {
    view! { <a href=s.block_href(n) data-testid=s.id("link-block", "node-link-block") data-height=n.to_string()>{format!("#{n}")}</a> }
}

/// A block's hash, linking to block `n`.
pub(super) fn block_hash_link(s: Source, hash: String, n: u64) -> impl IntoView {
    view! { <Linked full=hash href=s.block_href(n) testid=s.id("link-block-hash", "node-link-block-hash") /> }
}

/// A transaction's hash, linking to its page.
pub(super) fn tx_link(s: Source, h: TxHash) -> impl IntoView {
    view! { <Linked full=h.to_hex() href=s.tx_href(h) testid=s.id("link-tx", "node-link-tx") /> }
}

/// An address, linking to its page.
pub(super) fn address_link(s: Source, a: Address) -> impl IntoView {
    view! { <Linked full=a.to_checksum() href=s.address_href(a) testid=s.id("link-address", "node-link-address") /> }
}

/// An address or, for `None`, `none` (the lab) or "contract creation" (a recipient on a node).
pub(super) fn optional_address(s: Source, a: Option<Address>) -> AnyView {
    match a {
        Some(a) => address_link(s, a).into_any(),
        None => view! { <span class="muted">{s.id("none", "contract creation")}</span> }.into_any(),
    }
}

/// One line of a transaction table, with its value already in words.
#[derive(Debug, Clone)]
pub(super) struct TxLine {
    pub hash: TxHash,
    /// `None`: pending.
    pub block: Option<u64>,
    pub from: Address,
    pub to: Option<Address>,
    pub value: String,
}

/// Transactions as a table that scrolls sideways on a narrow screen.
pub(super) fn tx_table(s: Source, lines: Vec<TxLine>, label: &'static str) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=label><table class="explorer-table">
            <thead><tr><th>"Hash"</th><th>"Block"</th><th>"From"</th><th>"To"</th><th>"Value"</th></tr></thead>
            <tbody>
                {lines.into_iter().map(|t| view! {
                    <tr data-testid=s.id("explorer-tx-row", "node-tx-row") data-hash=t.hash.to_hex()>
                        <td>{tx_link(s, t.hash)}</td>
                        <td>{match t.block {
                            Some(n) => block_link(s, n).into_any(),
                            None => view! { <span class="muted">"pending"</span> }.into_any(),
                        }}</td>
                        <td>{address_link(s, t.from)}</td>
                        <td>{optional_address(s, t.to)}</td>
                        <td>{t.value}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}
