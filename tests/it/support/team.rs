//! A team for the security suites: users of each role with unlocked sessions made through the library,
//! on an `Env` whose clock reads the real time (`Env::real_time`) so the real binary accepts them too.

use std::io::Write;
use std::sync::Arc;

use hookdesk_core::auth::{self, Actor, Permission, Role};
use hookdesk_core::domain::Secret;

pub use super::Env;

pub const PASSWORD: &str = "correct-horse-battery-1";
pub const ROLES: [Role; 3] = [Role::Admin, Role::Manager, Role::Support];

pub use crate::support::totp;

/// A user with confirmed two-factor and an unlocked session.
pub struct User {
    pub name: String,
    pub role: Role,
    pub secret: String,
    pub token: String,
    pub recovery: Vec<String>,
}

impl User {
    pub fn actor(&self, env: &Env) -> Actor {
        auth::require(&env.ctx, &self.token, Permission::ReadHooks).unwrap()
    }
}

fn enroll(env: &Env, name: &str, role: Role, token: String, secret: Option<String>) -> User {
    let secret = match secret {
        Some(s) => s,
        None => auth::begin_enrollment(&env.ctx, &token)
            .unwrap()
            .secret_base32
            .expose()
            .to_string(),
    };
    let code = totp(&secret, env.now() / 1000);
    let recovery = auth::confirm_enrollment_for_token(&env.ctx, &token, &code).unwrap();
    User {
        name: name.into(),
        role,
        secret,
        token,
        recovery,
    }
}

pub fn admin(env: &Env) -> User {
    let (_, e) = auth::create_admin(&env.ctx, "root", &Secret::new(PASSWORD)).unwrap();
    let secret = e.secret_base32.expose().to_string();
    let token = sign_in(env, "root");
    enroll(env, "root", Role::Admin, token, Some(secret))
}

/// Adds a user as `by`, then signs in and enrolls as that user (which leaves the session unlocked).
pub fn user(env: &Env, by: &User, name: &str, role: Role) -> User {
    auth::add_user(&env.ctx, &by.actor(env), name, role, &Secret::new(PASSWORD)).unwrap();
    let token = sign_in(env, name);
    enroll(env, name, role, token, None)
}

/// A signed-in, still locked session.
pub fn sign_in(env: &Env, name: &str) -> String {
    auth::sign_in(&env.ctx, name, &Secret::new(PASSWORD))
        .unwrap()
        .token
        .expose()
        .to_string()
}

/// An admin and one user per other role, each with an unlocked session.
pub fn team(env: &Env) -> Vec<User> {
    let a = admin(env);
    let m = user(env, &a, "mona", Role::Manager);
    let s = user(env, &a, "sam", Role::Support);
    vec![a, m, s]
}

/// A receiver on 127.0.0.1:0 that answers every request `200 {}` and keeps the raw requests.
pub struct Receiver {
    pub url: String,
    pub requests: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

impl Receiver {
    pub fn start() -> Receiver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let req = read_request(&mut stream);
                seen.lock().unwrap().push(req);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                );
            }
        });
        Receiver { url, requests }
    }

    pub fn all_bytes(&self) -> Vec<u8> {
        self.requests.lock().unwrap().concat()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Vec<u8> {
    use std::io::Read;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return buf;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return buf,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}
