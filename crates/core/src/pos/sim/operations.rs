//! What users do to a running network besides the clock: deposits, exits, the stake online,
//! and a fresh run for benchmarks.

use k256::ecdsa::SigningKey;

use super::{EventKind, PosNetwork};
use crate::address::Address;
use crate::node::network::node_name;
use crate::pos::client::Client;
use crate::pos::types::{Deposit, Domain, Exit, PosMessage, Slot, Transfer, ValidatorIndex};
use crate::pos::PosParams;

impl PosNetwork {
    /// Registers a validator client for a deposit signed by `key` and gossips the deposit from
    /// `host`. The client starts its duties once a block includes the deposit and its
    /// activation epoch comes.
    ///
    /// # Errors
    /// Why the deposit is refused (checked against the host's head first).
    pub fn deposit(
        &mut self,
        raw: &str,
        key: SigningKey,
        host: usize,
    ) -> Result<Address, crate::pos::refusal::DepositRefusal> {
        let host = host.min(self.nodes.len().saturating_sub(1));
        let node = self
            .nodes
            .get_mut(host)
            .ok_or(crate::pos::refusal::DepositRefusal::RegistryFull)?;
        let d = Deposit {
            raw: raw.to_string(),
        };
        node.receive_deposit(d.clone())?;
        let client = Client::new(key, host);
        let address = client.address;
        self.clients.entry(address).or_insert(client);
        self.broadcast(host, &PosMessage::Deposit(d), None);
        self.log(
            EventKind::Info,
            format!(
                "deposit from {} sent from node {}",
                address.short(),
                node_name(host)
            ),
        );
        Ok(address)
    }

    /// Sends a signed transfer from `host`: checked and pooled there first, then gossiped;
    /// the next proposers include it.
    ///
    /// # Errors
    /// Why the host refuses it.
    pub fn transfer(
        &mut self,
        raw: &str,
        host: usize,
    ) -> Result<crate::hash::TxHash, crate::pos::refusal::TransferRefusal> {
        let host = host.min(self.nodes.len().saturating_sub(1));
        let t = Transfer {
            raw: raw.to_string(),
        };
        let tx = crate::pos::state::BeaconState::read_transfer(raw)?;
        let node = self
            .nodes
            .get_mut(host)
            .ok_or_else(|| crate::pos::refusal::TransferRefusal::Ledger("no such node".into()))?;
        if !node.receive_transfer(&t)? {
            return Err(crate::pos::refusal::TransferRefusal::Ledger(
                "this transfer is already known, waiting or in a block: a replay changes nothing"
                    .into(),
            ));
        }
        self.broadcast(host, &PosMessage::Transfer(t), None);
        self.log(
            EventKind::Info,
            format!(
                "transfer of {} ETH from {} to {} sent from node {}",
                crate::amount::Wei::from_wei(u128::try_from(tx.tx().value()).unwrap_or(u128::MAX))
                    .to_coins(),
                tx.sender().short(),
                tx.tx().to().map_or_else(|| "?".into(), Address::short),
                node_name(host)
            ),
        );
        Ok(tx.hash())
    }

    /// Signs a transfer of `value` from `account` to `to` (at the account's next nonce on
    /// `host`, past its waiting transfers; 1 gwei gas price) and sends it as [`Self::transfer`]
    /// does.
    ///
    /// # Errors
    /// Why it could not be signed, or why it is refused, in words.
    pub fn transfer_from(
        &mut self,
        account: &crate::wallet::Account,
        to: Address,
        value: crate::amount::Wei,
        host: usize,
    ) -> Result<crate::hash::TxHash, String> {
        let nonce = self.next_nonce(&account.address, host);
        let signed = crate::tx::TxRequest::transfer(self.params.chain_id, nonce, to, value)
            .legacy(1_000_000_000)
            .and_then(|tx| tx.sign(account))
            .map_err(|e| e.to_string())?;
        self.transfer(&signed.raw_hex(), host)
            .map_err(|e| e.to_string())
    }

    /// The nonce `address`'s next transaction should carry on `host`: its head's, past the
    /// transfers waiting there.
    pub fn next_nonce(&self, address: &Address, host: usize) -> u64 {
        self.nodes
            .get(host)
            .map_or(0, |node| node.next_nonce(address))
    }

    /// Signs a deposit of `value` from `account` (a transfer to [`crate::pos::DEPOSIT_ADDRESS`] at
    /// the account's next nonce in `host`'s head state, 1 gwei gas price) and sends it as
    /// [`Self::deposit`] does; the account's key becomes the validator's.
    ///
    /// # Errors
    /// Why it could not be signed, or why the deposit is refused, in words.
    pub fn deposit_from(
        &mut self,
        account: &crate::wallet::Account,
        value: crate::amount::Wei,
        host: usize,
    ) -> Result<Address, String> {
        let nonce = self.next_nonce(&account.address, host);
        let signed = crate::tx::TxRequest::transfer(
            self.params.chain_id,
            nonce,
            crate::pos::DEPOSIT_ADDRESS,
            value,
        )
        .legacy(1_000_000_000)
        .and_then(|tx| tx.sign(account))
        .map_err(|e| e.to_string())?;
        self.deposit(&signed.raw_hex(), account.signing_key().clone(), host)
            .map_err(|e| e.to_string())
    }

    /// Signs and gossips an exit for validator `index` with the key its client holds.
    ///
    /// # Errors
    /// Why the exit is refused: an unknown validator, one whose key is not held here, or a
    /// rule of [`BeaconState::check_exit`].
    pub fn exit(&mut self, index: ValidatorIndex) -> Result<(), String> {
        use crate::pos::refusal::ExitRefusal;
        let state = self
            .nodes
            .first()
            .and_then(|n| n.head_state())
            .ok_or("no node")?;
        let v = state
            .validator(index)
            .ok_or_else(|| ExitRefusal::UnknownValidator { validator: index }.to_string())?;
        let client = self
            .clients
            .get(&v.address)
            .ok_or_else(|| format!("validator #{index}'s key is not held in this lab"))?;
        let epoch = state.epoch(&self.params);
        let signature = crate::signature::Signature::sign_prehash(
            client.key(),
            &Domain::Exit.digest(&Exit::root(index, epoch)),
        )
        .map_err(|e| e.to_string())?;
        let host = client.host;
        let x = Exit {
            validator: index,
            epoch,
            signature,
        };
        let node = self.nodes.get_mut(host).ok_or("no node")?;
        node.receive_exit(x).map_err(|e| e.to_string())?;
        self.broadcast(host, &PosMessage::Exit(x), None);
        self.log(EventKind::Info, format!("validator #{index} asked to exit"));
        Ok(())
    }

    /// A fresh network of `validators` (32 ETH each) on `nodes` nodes run for `slots` slots,
    /// the signature memo emptied first: the work a benchmark times.
    pub fn bench(validators: usize, nodes: usize, slots: Slot) -> Self {
        crate::pos::verify::forget_verified();
        let mut net = Self::new(
            PosParams::default(),
            nodes,
            &vec![32 * crate::pos::ETH; validators],
            &[],
        );
        net.run_to(slots);
        net
    }

    /// Whole ETH of stake online (signed for here and online, or in another tab still there),
    /// and in total, in node 0's head state.
    pub fn online_stake(&self) -> (u64, u64) {
        let Some(state) = self.nodes.first().and_then(|n| n.head_state()) else {
            return (0, 0);
        };
        let epoch = self.epoch();
        let mut online = 0;
        let mut total = 0;
        for v in state
            .validators
            .iter()
            .filter(|v| v.is_active(epoch) && !v.slashed)
        {
            total += v.effective;
            let remote = self.remote.get(&v.address).copied().unwrap_or(false);
            if remote || self.clients.get(&v.address).is_some_and(|c| c.online) {
                online += v.effective;
            }
        }
        (online, total)
    }
}
