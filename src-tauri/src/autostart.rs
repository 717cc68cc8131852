//! Start at login: an XDG autostart entry that opens Hookdesk hidden, delivering, on this data directory.

use std::path::{Path, PathBuf};

fn entry_path() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("autostart/hookdesk.desktop"))
}

/// Writes or removes the entry to match the setting.
pub fn apply(on: bool, data_dir: &Path) -> std::io::Result<()> {
    let Some(path) = entry_path() else {
        return Ok(());
    };
    if !on {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let exe = std::env::current_exe()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, entry(&exe, data_dir))
}

fn entry(exe: &Path, data_dir: &Path) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName=Hookdesk\nComment=Keeps delivering webhooks in the background\n\
         Exec={} --hidden --data-dir {}\nIcon=hookdesk-desktop\nX-GNOME-Autostart-enabled=true\nNoDisplay=true\n",
        quote(&exe.to_string_lossy()),
        quote(&data_dir.to_string_lossy())
    )
}

/// Desktop-entry quoting: the whole argument in double quotes, with `"`, `` ` ``, `$` and `\` escaped.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn exec_line_quotes_paths() {
        let e = super::entry(
            std::path::Path::new("/usr/bin/hookdesk-desktop"),
            std::path::Path::new("/home/a b/$x"),
        );
        assert!(e.contains(
            "Exec=\"/usr/bin/hookdesk-desktop\" --hidden --data-dir \"/home/a b/\\$x\"\n"
        ));
    }
}
