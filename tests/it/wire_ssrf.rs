//! The address guard end to end: literal addresses and names resolving to loopback never get a request.

use std::net::IpAddr;

use hookdesk_core::delivery::transport::http::{HttpClient, Outgoing};
use hookdesk_core::delivery::transport::outcome::{AttemptOutcome, ErrorKind};
use hookdesk_core::delivery::transport::ssrf::{check_url_target, classify};
use url::Url;

use crate::wire_receiver::{Reply, TestReceiver};

async fn send_guarded(url: &str) -> AttemptOutcome {
    let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    HttpClient::new()
        .unwrap()
        .send(Outgoing {
            url,
            headers: &headers,
            body: b"{}".to_vec(),
            timeout_ms: 3_000,
            allow_private: false,
        })
        .await
}

#[tokio::test]
async fn loopback_is_refused_unless_private_networks_are_allowed() {
    let rx = TestReceiver::start(Reply::status(200)).await;
    let port = rx.addr.port();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("https://127.0.0.1:{port}/"),
        format!("https://2130706433:{port}/"),
        format!("https://0x7f.0.0.1:{port}/"),
        format!("https://[::ffff:127.0.0.1]:{port}/"),
        format!("https://localhost:{port}/"),
    ] {
        let out = send_guarded(&url).await;
        assert_eq!(
            out.error.as_ref().map(|e| e.kind),
            Some(ErrorKind::Blocked),
            "{url}: {out:?}"
        );
        assert_eq!(out.status, None);
    }
    assert!(rx.captured().is_empty(), "the receiver must get nothing");
}

/// A name that is not literally local but resolves to this machine: the check after DNS must catch it.
#[tokio::test]
async fn names_resolving_to_local_addresses_are_refused_after_dns() {
    let rx = TestReceiver::start(Reply::status(200)).await;
    let host = std::fs::read_to_string("/etc/hostname")
        .unwrap_or_default()
        .trim()
        .to_string();
    assert!(!host.is_empty(), "this test needs the machine's host name");
    let addrs: Vec<IpAddr> = tokio::net::lookup_host((host.as_str(), 0))
        .await
        .unwrap()
        .map(|a| a.ip())
        .collect();
    assert!(
        addrs.iter().all(|ip| classify(*ip).is_some()),
        "{host} resolves to {addrs:?}"
    );
    let url = format!("https://{host}:{}/", rx.addr.port());
    // The save-time check cannot know; the connect-time one must.
    assert!(check_url_target(&Url::parse(&url).unwrap(), false).is_ok());
    let out = send_guarded(&url).await;
    let err = out.error.unwrap();
    assert_eq!(err.kind, ErrorKind::Blocked, "{}", err.message);
    assert!(rx.captured().is_empty());
}

#[test]
fn forty_plus_address_encodings_are_classified() {
    // (URL host as typed, refused?)
    let cases: &[(&str, bool)] = &[
        ("127.0.0.1", true),
        ("127.0.0.2", true),
        ("127.1", true),
        ("127.0.1", true),
        ("2130706433", true),
        ("0x7f000001", true),
        ("0x7F.0x0.0x0.0x1", true),
        ("0177.0000.0000.0001", true),
        ("017700000001", true),
        ("0", true),
        ("0.0.0.0", true),
        ("10.0.0.1", true),
        ("012.0.0.1", true),
        ("167772161", true),
        ("172.16.5.4", true),
        ("0xac.0x10.0.1", true),
        ("192.168.0.1", true),
        ("3232235521", true),
        ("169.254.169.254", true),
        ("2852039166", true),
        ("0xa9fea9fe", true),
        ("100.64.1.1", true),
        ("224.0.0.251", true),
        ("255.255.255.255", true),
        ("240.1.2.3", true),
        ("192.0.2.1", true),
        ("198.18.4.4", true),
        ("[::1]", true),
        ("[0:0:0:0:0:0:0:1]", true),
        ("[::]", true),
        ("[::ffff:127.0.0.1]", true),
        ("[::ffff:7f00:1]", true),
        ("[::ffff:169.254.169.254]", true),
        ("[::ffff:0:10.0.0.1]", true),
        ("[::127.0.0.1]", true),
        ("[64:ff9b::127.0.0.1]", true),
        ("[64:ff9b::a00:1]", true),
        ("[2002:7f00:1::]", true),
        ("[2002:a9fe:a9fe::1]", true),
        ("[fd00:ec2::254]", true),
        ("[fc00::1]", true),
        ("[fe80::1]", true),
        ("[ff02::1]", true),
        ("[2001:db8::1]", true),
        ("localhost", true),
        ("db.localhost", true),
        ("8.8.8.8", false),
        ("134744072", false),
        ("0x08080808", false),
        ("[2606:4700:4700::1111]", false),
        ("[::ffff:8.8.8.8]", false),
        ("[64:ff9b::8.8.8.8]", false),
        ("[2002:808:808::]", false),
        ("hooks.example.com", false),
    ];
    assert!(cases.len() >= 40);
    for (host, refused) in cases {
        let url =
            Url::parse(&format!("https://{host}/hook")).unwrap_or_else(|e| panic!("{host}: {e}"));
        let result = check_url_target(&url, false);
        assert_eq!(result.is_err(), *refused, "{host} -> {:?}", url.host());
        if let Err(e) = result {
            assert_eq!(e.field(), Some("url"));
        }
        // Every one is fine for a private-network hook.
        assert!(check_url_target(&url, true).is_ok(), "{host}");
        // And the connect-time classifier agrees for literal addresses.
        if let Some(url::Host::Ipv4(ip)) = url.host() {
            assert_eq!(classify(IpAddr::V4(ip)).is_some(), *refused, "{host}");
        }
        if let Some(url::Host::Ipv6(ip)) = url.host() {
            assert_eq!(classify(IpAddr::V6(ip)).is_some(), *refused, "{host}");
        }
    }
}

#[test]
fn public_targets_need_https() {
    let http = Url::parse("http://hooks.example.com/x").unwrap();
    assert_eq!(
        check_url_target(&http, false).unwrap_err().field(),
        Some("url")
    );
    assert!(check_url_target(&http, true).is_ok());
}
