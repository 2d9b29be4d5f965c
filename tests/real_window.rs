//! The designer in a real window: an X server (Xvfb), the `idflow` binary,
//! and real X pointer events from `xdotool`. Every canvas toolbar button and
//! the minimap are clicked the way a person clicks them, and the view the
//! app reports afterwards (its `idflow::canvas` debug log) must have changed
//! as the button's label says.
//!
//! Where each control is comes from the same app laid out headless at the
//! window's size (the layout is the same code). Needs `Xvfb` and `xdotool`
//! (`.ci/run` installs them); without them the test says it was skipped,
//! and fails instead when `IDFLOW_REQUIRE_XVFB=1`.

mod common;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use egui::{Pos2, Rect, vec2};
use egui_kittest::kittest::Queryable;
use idflow::app::IdflowApp;
use tempfile::TempDir;

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The canvas state the app logged last: key -> value.
fn last_state(log: &Path) -> Option<HashMap<String, String>> {
    let mut text = String::new();
    std::fs::File::open(log)
        .ok()?
        .read_to_string(&mut text)
        .ok()?;
    let line = text.lines().rev().find(|l| l.contains("canvas state"))?;
    Some(
        line.split_whitespace()
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    )
}

/// Held by the test whose window is up.
static ONE_WINDOW: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct Window {
    display: String,
    id: String,
    pointer: std::cell::Cell<Option<(i32, i32)>>,
    log: PathBuf,
    _app: Running,
    _x: Running,
    /// Last, so it is let go after the app and Xvfb stopped.
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

impl Window {
    fn xdotool(&self, args: &[&str]) -> String {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool runs");
        assert!(
            out.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn state(&self) -> HashMap<String, String> {
        last_state(&self.log).expect("the app logged its canvas state")
    }

    fn number(&self, key: &str) -> f32 {
        self.state()
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} in {:?}", self.state()))
    }

    fn flag(&self, key: &str) -> String {
        self.state().get(key).cloned().unwrap_or_default()
    }

    /// Moves the X pointer and waits until the server has moved it.
    fn move_to(&self, at: Pos2) {
        let target = (at.x.round() as i32, at.y.round() as i32);
        // `--sync` waits for a motion event, which never comes (xdotool
        // gives up after 15 s) when the pointer is already there.
        if self.pointer.get() == Some(target) {
            return;
        }
        let (x, y) = (target.0.to_string(), target.1.to_string());
        self.xdotool(&["mousemove", "--window", &self.id, "--sync", &x, &y]);
        self.pointer.set(Some(target));
    }

    /// A real click: move the X pointer there, then press and release.
    fn click(&self, at: Pos2) {
        self.move_to(at);
        std::thread::sleep(Duration::from_millis(150));
        self.xdotool(&["mousedown", "1"]);
        std::thread::sleep(Duration::from_millis(60));
        self.xdotool(&["mouseup", "1"]);
    }

    /// Waits (at most 10 s) until the logged state satisfies `done`.
    fn wait_for(&self, what: &str, done: impl Fn(&HashMap<String, String>) -> bool) {
        let start = Instant::now();
        loop {
            if last_state(&self.log).is_some_and(|s| done(&s)) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{what}: the canvas state stayed {:?}",
                last_state(&self.log)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn start_window(dir: &Path, file: &Path) -> Window {
    start_window_with(dir, file, &[])
}

/// The designer on `file`, with `flags` before the subcommand (e.g. a
/// team server to start on).
fn start_window_with(dir: &Path, file: &Path, flags: &[&str]) -> Window {
    // One window at a time: two tests looking for a free display number at
    // once would both take the same one.
    let one_at_a_time = ONE_WINDOW
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // A display number no other X server holds.
    let number = (100..200)
        .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
        .expect("a free display");
    let display = format!(":{number}");
    let x = Running(
        Command::new("Xvfb")
            .args([&display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts"),
    );
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
    let start = Instant::now();
    while !socket.exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "Xvfb came up");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The socket exists before the server answers: wait until a client can
    // talk to it (a CI run once started the app too early and it found no
    // X server).
    while !Command::new("xdotool")
        .arg("getdisplaygeometry")
        .env("DISPLAY", &display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "Xvfb on {display} answers a client"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let runtime = dir.join("runtime");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))
            .expect("runtime dir mode");
    }
    let log = dir.join("app.log");
    let app = Running(
        Command::new(env!("CARGO_BIN_EXE_idflow"))
            .args(flags)
            .arg("--store")
            .arg(dir.join("store"))
            .arg("open")
            .arg(file)
            .env("DISPLAY", &display)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("RUST_LOG", "warn,idflow::canvas=debug")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("idflow starts"),
    );
    let mut window = Window {
        display,
        id: String::new(),
        pointer: std::cell::Cell::new(None),
        log,
        _app: app,
        _x: x,
        _one_at_a_time: one_at_a_time,
    };
    let start = Instant::now();
    loop {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", "idflow"])
            .env("DISPLAY", &window.display)
            .output()
            .expect("xdotool runs");
        let found = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .map(str::to_owned);
        if let Some(id) = found
            && last_state(&window.log).is_some()
        {
            window.id = id;
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the window did not show within 60 s: {}",
            std::fs::read_to_string(&window.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let geometry = window.xdotool(&["getwindowgeometry", &window.id]);
    assert!(
        geometry.contains("Position: 0,0") && geometry.contains("1480x920"),
        "the window is at the origin, 1480x920: {geometry}"
    );
    window.xdotool(&["windowfocus", "--sync", &window.id]);
    window
}

/// Where the controls are: the same app, laid out headless at the window's
/// size on the same file.
fn control_rects(dir: &Path, file: &Path) -> HashMap<&'static str, Rect> {
    let app = IdflowApp::new(&dir.join("layout-store"), Some(file)).expect("app");
    let mut h = common::window().build(app);
    h.run_steps(4);
    let mut rects = HashMap::new();
    for label in [
        "+",
        "−",
        "⛶ Fit",
        "◎ Centre",
        "🔓 Lock",
        "# Snap",
        "▣ Minimap",
        "Auto-layout",
        "📝 Note",
        "Minimap",
    ] {
        rects.insert(label, h.get_by_label(label).rect());
    }
    rects.insert("canvas", h.state().canvas.screen_rect());
    rects
}

/// Whether this machine can run a real window (else the test is skipped,
/// unless IDFLOW_REQUIRE_XVFB=1 says it must run).
fn can_run_a_window() -> bool {
    if have("Xvfb") && have("xdotool") {
        return true;
    }
    assert!(
        std::env::var("IDFLOW_REQUIRE_XVFB").as_deref() != Ok("1"),
        "IDFLOW_REQUIRE_XVFB=1 but Xvfb or xdotool is missing"
    );
    eprintln!("skipped: needs Xvfb and xdotool (apt-get install xvfb xdotool)");
    false
}

/// An editable workflow (a file) whose cards are out of place, so that
/// Auto-layout has something to do.
fn sample_file(dir: &Path) -> PathBuf {
    let file = dir.join("flow.ron");
    let sample = include_str!("../sample_workflows/10011-idiv.ron").replace(
        "position: (x: 560.0, y: 0.0)",
        "position: (x: 600.0, y: 260.0)",
    );
    std::fs::write(&file, sample).expect("write");
    file
}

/// Issue 14: started on a team server that accepts the connection and
/// never answers, the window paints and handles clicks while the request
/// waits; then the wait ends with a message naming the server.
#[test]
fn a_server_that_never_answers_does_not_hold_the_window() {
    if !can_run_a_window() {
        return;
    }
    // Bound but never accepting: the kernel completes the connection, and
    // no answer ever comes.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", silent.local_addr().expect("addr"));
    let dir = TempDir::new().expect("tmp");
    let file = sample_file(dir.path());
    let rects = control_rects(dir.path(), &file);
    let w = start_window_with(
        dir.path(),
        &file,
        &["--server", &url, "--token", "idf_silent"],
    );
    let failure = format!("cannot reach the server at {url}: no answer within");
    let log = || std::fs::read_to_string(&w.log).unwrap_or_default();
    assert!(!log().contains(&failure), "painted before the answer");

    let fitted = w.number("zoom");
    w.click(rects["+"].center());
    w.wait_for("+ zooms in while the server is silent", |s| {
        s["zoom"]
            .parse::<f32>()
            .is_ok_and(|z| (z - fitted * 1.25).abs() < 0.01)
    });
    assert!(
        !log().contains(&failure),
        "the click was handled while the request still waited"
    );
    if have("import") {
        let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("silent-server.png");
        let _ = Command::new("import")
            .args(["-window", "root"])
            .arg(&shot)
            .env("DISPLAY", &w.display)
            .status();
        eprintln!("screenshot: {}", shot.display());
    }
    let start = Instant::now();
    while !log().contains(&failure) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the wait ends with a message naming the server: {}",
            log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(silent);
}

#[test]
fn every_toolbar_button_and_the_minimap_answer_real_clicks() {
    if !can_run_a_window() {
        return;
    }
    let dir = TempDir::new().expect("tmp");
    let file = sample_file(dir.path());
    let rects = control_rects(dir.path(), &file);
    let w = start_window(dir.path(), &file);
    let at = |label: &str| rects[label].center();

    let fitted = w.number("zoom");
    for (label, expected, what) in [
        ("+", fitted * 1.25, "+ zooms in by 25 %"),
        ("−", fitted, "− zooms out by 20 %"),
        ("−", fitted * 0.8, "− again"),
        ("⛶ Fit", fitted, "Fit"),
    ] {
        w.click(at(label));
        w.wait_for(what, |s| {
            s["zoom"]
                .parse::<f32>()
                .is_ok_and(|z| (z - expected).abs() < 0.01)
        });
    }

    // Pan by dragging the background, then Centre brings the middle back.
    let centre = (w.number("centre_x"), w.number("centre_y"));
    let canvas = rects["canvas"];
    let from = canvas.lerp_inside(vec2(0.5, 0.85));
    w.move_to(from);
    w.xdotool(&["mousedown", "1"]);
    for step in 1..=10 {
        w.move_to(from - vec2(20.0, 12.0) * step as f32);
        std::thread::sleep(Duration::from_millis(30));
    }
    w.xdotool(&["mouseup", "1"]);
    w.wait_for("the drag pans", |s| {
        s["centre_x"]
            .parse::<f32>()
            .is_ok_and(|x| (x - centre.0).abs() > 100.0)
    });
    w.click(at("◎ Centre"));
    w.wait_for("Centre", |s| {
        let x = s["centre_x"].parse::<f32>().unwrap_or(f32::NAN);
        let y = s["centre_y"].parse::<f32>().unwrap_or(f32::NAN);
        (x - centre.0).abs() < 2.0 && (y - centre.1).abs() < 2.0
    });

    // Lock: the zoom buttons rest until it is lifted.
    w.click(at("🔓 Lock"));
    w.wait_for("Lock", |s| s["locked"] == "true");
    let zoom = w.number("zoom");
    w.click(at("+"));
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(w.number("zoom"), zoom, "locked: + does nothing");
    w.click(at("🔓 Lock"));
    w.wait_for("Unlock", |s| s["locked"] == "false");

    w.click(at("# Snap"));
    w.wait_for("Snap off", |s| s["snap"] == "false");
    w.click(at("# Snap"));
    w.wait_for("Snap on", |s| s["snap"] == "true");

    // The minimap: a click on its right-hand part moves the view there.
    w.click(at("+"));
    w.click(at("+"));
    w.wait_for("zoomed in for the minimap", |s| {
        s["zoom"].parse::<f32>().is_ok_and(|z| z > fitted * 1.5)
    });
    let before = w.number("centre_x");
    w.click(rects["Minimap"].lerp_inside(vec2(0.9, 0.5)));
    w.wait_for("a minimap click centres the view there", |s| {
        s["centre_x"]
            .parse::<f32>()
            .is_ok_and(|x| x > before + 100.0)
    });
    w.click(at("▣ Minimap"));
    w.wait_for("Minimap hidden", |s| s["minimap"] == "false");
    w.click(at("▣ Minimap"));
    w.wait_for("Minimap shown", |s| s["minimap"] == "true");

    let revision = w.flag("revision");
    w.click(at("Auto-layout"));
    w.wait_for("Auto-layout changes the layout", |s| {
        s["revision"] != revision
    });
    let notes: usize = w.flag("notes").parse().expect("notes");
    w.click(at("📝 Note"));
    w.wait_for("Note adds a note", |s| {
        s["notes"].parse::<usize>().is_ok_and(|n| n == notes + 1)
    });
    assert_eq!(w.flag("locked"), "false");
    assert_eq!(w.flag("snap"), "true");
    assert_eq!(w.flag("minimap"), "true");
}
