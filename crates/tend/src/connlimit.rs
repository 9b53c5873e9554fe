//! Caps on connections open at once, overall and per client address, for
//! long-lived connections anyone may open (SMTP sessions). A connection
//! holds a [`Slot`] while it lives; dropping the slot frees it. IPv6 clients
//! are counted per /64, the block one subscriber usually gets, so rotating
//! addresses inside it does not multiply the allowance. Per node.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The caps and the connections counted against them.
#[derive(Debug)]
pub struct ConnLimits {
    max_total: usize,
    max_per_ip: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
}

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The server holds its overall maximum.
    Full,
    /// This client address holds its maximum.
    TooManyFromAddress,
}

/// One open connection's place; freed on drop.
#[derive(Debug)]
pub struct Slot {
    limits: Arc<ConnLimits>,
    key: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Ok(mut open) = self.limits.open.lock() else {
            return;
        };
        open.total = open.total.saturating_sub(1);
        if let Some(n) = open.per_ip.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.per_ip.remove(&self.key);
            }
        }
    }
}

/// The address a client is counted under: see [`crate::ratelimit::client_net`].
pub fn client_key(ip: IpAddr) -> IpAddr {
    crate::ratelimit::client_net(ip)
}

impl ConnLimits {
    /// At most `max_total` connections, `max_per_ip` from one address.
    pub fn new(max_total: usize, max_per_ip: usize) -> Arc<ConnLimits> {
        Arc::new(ConnLimits {
            max_total: max_total.max(1),
            max_per_ip: max_per_ip.max(1),
            open: Mutex::new(Open::default()),
        })
    }

    /// Takes a slot for a connection from `ip`, or says why not.
    pub fn enter(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, Refusal> {
        let key = client_key(ip);
        let Ok(mut open) = self.open.lock() else {
            return Err(Refusal::Full);
        };
        if open.total >= self.max_total {
            return Err(Refusal::Full);
        }
        let n = open.per_ip.entry(key).or_insert(0);
        if *n >= self.max_per_ip {
            return Err(Refusal::TooManyFromAddress);
        }
        *n += 1;
        open.total += 1;
        Ok(Slot {
            limits: Arc::clone(self),
            key,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.lock().map(|o| o.total).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_overall_and_per_address_and_free_on_drop() {
        let l = ConnLimits::new(3, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let a1 = l.enter(a).unwrap();
        let _a2 = l.enter(a).unwrap();
        assert_eq!(l.enter(a).unwrap_err(), Refusal::TooManyFromAddress);
        let _b1 = l.enter(b).unwrap();
        assert_eq!(l.enter(b).unwrap_err(), Refusal::Full);
        drop(a1);
        assert_eq!(l.open(), 2);
        assert!(l.enter(b).is_ok(), "a freed slot is usable at once");
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        let l = ConnLimits::new(10, 1);
        let _s = l.enter("2001:db8:1:2::1".parse().unwrap()).unwrap();
        assert_eq!(
            l.enter("2001:db8:1:2:ffff::9".parse().unwrap())
                .unwrap_err(),
            Refusal::TooManyFromAddress
        );
        assert!(l.enter("2001:db8:1:3::1".parse().unwrap()).is_ok());
        assert_eq!(
            client_key("::ffff:192.0.2.7".parse().unwrap()),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
    }
}
