//! Server-side request forgery guard at connect time (docs/architecture.md, step 5): [`GuardedResolver`] sees the addresses a
//! name really resolves to, so DNS rebinding cannot slip past the save-time check in `domain::address`.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

pub use crate::domain::address::{check_url_target, classify};

/// The connect-time refusal: every address the name resolved to is a blocked one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedTarget {
    pub reason: &'static str,
}

impl std::fmt::Display for BlockedTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the host resolves only to {} addresses, which this hook may not reach",
            self.reason
        )
    }
}

impl std::error::Error for BlockedTarget {}

/// Keeps the addresses `classify` accepts and drops the rest; `BlockedTarget` when nothing is left.
pub fn filter_addrs(
    addrs: impl IntoIterator<Item = SocketAddr>,
) -> std::result::Result<Vec<SocketAddr>, BlockedTarget> {
    let mut kept = Vec::new();
    let mut first_reason = None;
    for a in addrs {
        match classify(a.ip()) {
            None => kept.push(a),
            Some(r) => {
                first_reason.get_or_insert(r);
            }
        }
    }
    if kept.is_empty() {
        return Err(BlockedTarget {
            reason: first_reason.unwrap_or("unresolvable"),
        });
    }
    Ok(kept)
}

/// A reqwest resolver that refuses blocked addresses after resolution, right before connecting.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port in afterwards.
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept = filter_addrs(found)?;
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn filtering_keeps_public_addresses_only() {
        let a = |s: &str| SocketAddr::from_str(s).unwrap();
        let kept = filter_addrs([a("127.0.0.1:0"), a("93.184.216.34:0")]).unwrap();
        assert_eq!(kept, vec![a("93.184.216.34:0")]);
        let err = filter_addrs([a("10.0.0.1:0"), a("[::1]:0")]).unwrap_err();
        assert_eq!(err.reason, "private");
        assert!(filter_addrs([]).is_err());
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_that_resolve_to_loopback() {
        let err = match GuardedResolver
            .resolve(Name::from_str("localhost").unwrap())
            .await
        {
            Ok(_) => panic!("localhost must be refused"),
            Err(e) => e,
        };
        let blocked = err
            .downcast_ref::<BlockedTarget>()
            .expect("a BlockedTarget");
        assert_eq!(blocked.reason, "loopback");
    }
}
