//! The desktop's alerts: a 410 from a receiver disables the hook and kills the delivery, and the watcher
//! turns both into one alert for that hook; nothing older than the watcher is reported. The desktop
//! settings the shell reads when its window closes.

use hookdesk_core::alerts::{AlertKind, Watcher};
use hookdesk_core::catalog::{sample, EventType};

use crate::support::engine::*;
use crate::wire_receiver::{Reply, TestReceiver};

const EVENT: &str = "transaction.sale.success";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gone_receiver_raises_one_alert_for_its_hook() {
    let e = Eng::new();
    let data = sample(EventType::parse("type", EVENT).unwrap());
    let r = TestReceiver::start(Reply::status(410)).await;
    let old = e.hook(hook_input(&r.url("/old"), &[EVENT]));
    e.emit(EVENT, "store-1", data.clone());
    e.step().await;
    assert!(!e.hook_health(&old).0, "the first hook was disabled before");

    let mut w = Watcher::start(&e.ctx);
    assert!(w.poll(&e.ctx).is_empty(), "what came before is not news");

    e.clock.advance(1);
    let hook = e.hook(hook_input(&r.url("/h"), &[EVENT]));
    e.emit(EVENT, "store-1", data.clone());
    let report = e.step().await;
    assert_eq!(report.dead, 1);

    let alerts = w.poll(&e.ctx);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].kind, AlertKind::HookDisabled);
    assert_eq!(alerts[0].hook_id.as_deref(), Some(hook.as_str()));
    assert!(alerts[0].body.contains("410"), "{}", alerts[0].body);
    assert!(w.poll(&e.ctx).is_empty(), "seen once");
}

/// "Keep delivering when the window is closed" is on until an administrator turns it off; the change is
/// audited, and a manager cannot make it.
#[test]
fn desktop_settings_are_admin_only_and_audited() {
    use hookdesk_core::auth::Role;
    use hookdesk_core::config::desktop::{self, DesktopSettings};

    use crate::support::config::{actor, admin, count, env};

    let e = env();
    let defaults = desktop::get(&e.ctx).unwrap();
    assert!(defaults.keep_delivering && !defaults.start_at_login);
    let off = DesktopSettings {
        keep_delivering: false,
        start_at_login: false,
    };
    let admin_actor = admin(&e.ctx);
    let err = desktop::set(&e.ctx, &actor(&e.ctx, Role::Manager), off).unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert!(desktop::get(&e.ctx).unwrap().keep_delivering);

    let audits = count(&e, "audit_log");
    assert_eq!(desktop::set(&e.ctx, &admin_actor, off).unwrap(), off);
    assert_eq!(desktop::get(&e.ctx).unwrap(), off);
    assert_eq!(count(&e, "audit_log"), audits + 1, "one change, one entry");
    desktop::set(&e.ctx, &admin(&e.ctx), off).unwrap();
    assert_eq!(count(&e, "audit_log"), audits + 1, "no change, no entry");
}
