#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    hookdesk_desktop_lib::run()
}
