//! The capability file and the command list in build.rs must agree, or a command is either unreachable
//! or allowed without being declared.

#[test]
fn main_window_allows_exactly_the_declared_commands() {
    let caps: serde_json::Value =
        serde_json::from_str(include_str!("../capabilities/main.json")).expect("capability JSON");
    assert_eq!(caps["windows"], serde_json::json!(["main"]));
    let mut allowed: Vec<String> = caps["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("string permission").to_string())
        .collect();
    allowed.sort();
    let mut declared: Vec<String> = env!("HOOKDESK_COMMANDS")
        .split(',')
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    declared.sort();
    assert_eq!(allowed, declared);
}
