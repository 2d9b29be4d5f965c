//! Small building blocks shared by the sections: label/value grids, labelled
//! combo boxes, section headings, help lines, list helpers.

use egui::{Response, RichText, Ui};

use idflow_view::theme;

/// The widest text fields and combo boxes get in the value column.
const FIELD_WIDTH: f32 = 240.0;

/// The width of a text field or combo box: what the cell has, up to
/// `FIELD_WIDTH`, so the panel never scrolls sideways.
pub(super) fn field_width(ui: &Ui) -> f32 {
    ui.available_width().clamp(96.0, FIELD_WIDTH)
}

/// A two-column label/value grid with the panel's spacing.
pub(super) fn grid(id_salt: impl egui::AsIdSalt) -> egui::Grid {
    egui::Grid::new(id_salt)
        .num_columns(2)
        .spacing([theme::SPACING * 1.5, theme::SPACING])
        .min_col_width(96.0)
}

/// One grid row: the label on the left, the value cell (a vertical stack)
/// on the right. The value widgets are labelled by the row's label.
pub(super) fn row<R>(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui, &Response) -> R) -> R {
    // Top-aligned, level with the first line of a control's text.
    let label = ui
        .with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
            ui.add_space(3.0);
            ui.label(label)
        })
        .inner;
    let inner = ui.vertical(|ui| add(ui, &label)).inner;
    ui.end_row();
    inner
}

/// A section heading with a little air above it.
pub(super) fn section(ui: &mut Ui, title: &str) {
    ui.add_space(theme::SPACING * 1.5);
    ui.label(RichText::new(title).strong().size(14.5));
    ui.separator();
}

/// A short, quiet explanation under a control.
pub(super) fn help(ui: &mut Ui, text: impl Into<String>) -> Response {
    ui.label(RichText::new(text.into()).small().weak())
}

/// A combo box over `options`, labelled by `label`. Returns whether the
/// value changed.
pub(super) fn combo<T: Copy + PartialEq>(
    ui: &mut Ui,
    id_salt: impl egui::AsIdSalt,
    label: &Response,
    value: &mut T,
    options: &[T],
    name: impl Fn(T) -> String,
) -> bool {
    let width = field_width(ui);
    combo_sized(ui, id_salt, label, value, options, name, width)
}

/// `combo` with an explicit width.
pub(super) fn combo_sized<T: Copy + PartialEq>(
    ui: &mut Ui,
    id_salt: impl egui::AsIdSalt,
    label: &Response,
    value: &mut T,
    options: &[T],
    name: impl Fn(T) -> String,
    width: f32,
) -> bool {
    let before = *value;
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(name(*value))
        .width(width)
        .show_ui(ui, |ui| {
            for &option in options {
                ui.selectable_value(value, option, name(option));
            }
        })
        .response
        .labelled_by(label.id);
    *value != before
}

/// "1 note", "2 notes".
pub(super) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "A", "A and B", "A, B and C".
pub(super) fn join_and(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Adds `item` (before the first element that sorts after it, so the
/// others keep their order) or removes it.
pub(super) fn set_member<T: Ord + Copy>(list: &mut Vec<T>, item: T, on: bool) {
    if on {
        if !list.contains(&item) {
            let at = list.iter().position(|x| *x > item).unwrap_or(list.len());
            list.insert(at, item);
        }
    } else {
        list.retain(|x| *x != item);
    }
}

/// A comma-separated list of ISO 3166-1 alpha-3 codes: trimmed, upper-cased,
/// without empties or repeats.
pub(super) fn parse_codes(text: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for code in text.split([',', ';']) {
        let code = code.trim().to_uppercase();
        if !code.is_empty() && !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

/// A single-line text field over a list value, typed as text: while it has
/// focus it shows what was typed (kept in `buffer`), otherwise the model's
/// text. Returns the response and, when the text changed, the new text.
pub(super) fn buffered_text(
    buffer: &mut Option<(egui::Id, String)>,
    ui: &mut Ui,
    id_salt: impl egui::AsIdSalt,
    model: String,
    label: &Response,
    hint: &str,
) -> (Response, Option<String>) {
    let id = ui.make_persistent_id(id_salt);
    let focused = ui.memory(|m| m.has_focus(id));
    let mut text = match buffer {
        Some((held, text)) if *held == id && focused => text.clone(),
        _ => model,
    };
    let width = field_width(ui);
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .id(id)
                .hint_text(hint)
                .desired_width(width),
        )
        .labelled_by(label.id);
    let changed = response.changed();
    if response.has_focus() {
        *buffer = Some((id, text.clone()));
    } else if buffer.as_ref().is_some_and(|(held, _)| *held == id) {
        *buffer = None;
    }
    (response, changed.then_some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_and_reads_like_english() {
        assert_eq!(join_and(&[]), "");
        assert_eq!(join_and(&["Usability"]), "Usability");
        assert_eq!(join_and(&["A", "B"]), "A and B");
        assert_eq!(join_and(&["A", "B", "C"]), "A, B and C");
    }

    #[test]
    fn set_member_inserts_in_order_and_keeps_the_others() {
        let mut v = vec![3, 1];
        set_member(&mut v, 2, true);
        assert_eq!(v, [2, 3, 1]);
        set_member(&mut v, 2, true);
        assert_eq!(v, [2, 3, 1]);
        set_member(&mut v, 3, false);
        assert_eq!(v, [2, 1]);
    }

    #[test]
    fn codes_are_trimmed_upper_cased_and_deduplicated() {
        assert_eq!(parse_codes(" usa, deu ,,USA; gbr "), ["USA", "DEU", "GBR"]);
        assert!(parse_codes(" , ").is_empty());
    }
}
