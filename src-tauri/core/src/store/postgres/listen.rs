//! PostgreSQL notifications (LISTEN/NOTIFY): how workers learn of new deliveries and configuration
//! changes made on other machines without polling for them (docs/architecture.md, Team mode). The
//! triggers that send them are in migration 0009.

use std::future::poll_fn;
use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::AsyncMessage;

use super::{runtime, tls, DatabaseUrl};
use crate::Result;

/// New deliveries were committed.
pub const WORK: &str = "hookdesk_work";
/// Something a delivery uses from a hook changed.
pub const CONFIG: &str = "hookdesk_config";

/// Listens while it lives.
pub struct Listener {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Calls `on_notify(channel)` for every notification on [`WORK`] and [`CONFIG`], from a session of its
/// own. A lost session is opened again after a second; `on_notify("")` then says notifications may have
/// been missed, so the caller looks for itself.
pub fn listen(
    url: &DatabaseUrl,
    on_notify: impl Fn(&str) + Send + Sync + 'static,
) -> Result<Listener> {
    let cfg = url.driver_config()?;
    let on_notify = Arc::new(on_notify);
    let task = runtime().spawn(async move {
        let mut first = true;
        loop {
            if !first {
                on_notify("");
            }
            first = false;
            let Ok(tls) = tls::connector() else {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            };
            let (client, mut connection) = match cfg.connect(tls).await {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::debug!(error = %e, "cannot listen for notifications yet");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            let on = on_notify.clone();
            let pump = tokio::spawn(async move {
                while let Some(message) = poll_fn(|cx| connection.poll_message(cx)).await {
                    match message {
                        Ok(AsyncMessage::Notification(n)) => on(n.channel()),
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            });
            if client
                .batch_execute(&format!("LISTEN {WORK}; LISTEN {CONFIG}"))
                .await
                .is_ok()
            {
                let _ = pump.await;
            } else {
                pump.abort();
            }
            tracing::info!("the notification session ended; listening again");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    Ok(Listener { task })
}
