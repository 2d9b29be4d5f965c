use egui::vec2;
use egui_kittest::Harness;
use idflow::app::IdflowApp;
use tempfile::TempDir;
#[test]
fn look() {
    let dir = TempDir::new().unwrap();
    let app = IdflowApp::new(dir.path(), None).unwrap();
    let mut h = Harness::builder()
        .with_size(vec2(1480.0, 920.0))
        .renderer(egui_kittest::wgpu::WgpuTestRenderer::default())
        .build_ui_state(|ui, app: &mut IdflowApp| app.frame(ui), app);
    for key in [10013, 10167, 10011] {
        h.state_mut().perform(idflow::app::Intent::OpenKey(key));
        h.run_steps(4);
        let img = h.render().unwrap();
        img.save(format!("/tmp/look_{key}.png")).unwrap();
    }
}
