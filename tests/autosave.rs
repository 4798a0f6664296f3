//! Autosave slots: each tab writes its own, a reload starts from the tab's own slot and a new
//! tab (or the browser restarted after a crash) from the latest one; old slots are pruned.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use zhibiao::ui::state::{
    autosave_prefix, is_slot_of, slot_key, stale_slots, starting_slot, Journal, Origin, SLOTS_KEPT,
};

fn journal(name: &str, saved_at: f64) -> Journal {
    Journal {
        origin: Origin::Demo,
        file_name: name.into(),
        saved_at,
        ..Journal::default()
    }
}

#[test]
fn slots_belong_to_their_family_only() {
    let app = autosave_prefix(None);
    let page = autosave_prefix(Some("{\"version\":1}"));
    assert_eq!(app, "zhibiao.session");
    assert!(page.starts_with("zhibiao.session."));
    assert!(is_slot_of(&app, &slot_key(&app, "t1")));
    assert!(
        is_slot_of(&app, &app),
        "the single slot of earlier versions"
    );
    assert!(
        !is_slot_of(&app, &slot_key(&page, "t1")),
        "a saved page's slot"
    );
    assert!(!is_slot_of(&app, &page));
    assert!(is_slot_of(&page, &slot_key(&page, "t1")));
    assert!(!is_slot_of(&page, &slot_key(&app, "t1")));
}

#[test]
fn a_reload_keeps_its_tab_and_a_new_tab_takes_the_latest_work() {
    let saved = vec![
        ("p#a".to_string(), journal("a.xlsx", 300.0)),
        ("p#b".to_string(), journal("b.xlsx", 500.0)),
        ("p".to_string(), journal("old.xlsx", 0.0)),
    ];
    // Tab a reloads: its own slot, though b's is newer.
    assert_eq!(starting_slot("p#a", &saved).unwrap().file_name, "a.xlsx");
    // A new tab (or the first tab after a crash): the latest.
    assert_eq!(starting_slot("p#new", &saved).unwrap().file_name, "b.xlsx");
    // Only the slot of an earlier version: taken.
    let old = vec![("p".to_string(), journal("old.xlsx", 0.0))];
    assert_eq!(starting_slot("p#new", &old).unwrap().file_name, "old.xlsx");
    assert!(starting_slot("p#new", &[]).is_none());
    // A tab emptied by 新建 later does not hide the latest work from a new tab …
    let mut with_empty = saved.clone();
    with_empty.push((
        "p#c".to_string(),
        Journal {
            saved_at: 900.0,
            ..Journal::default()
        },
    ));
    assert_eq!(
        starting_slot("p#new", &with_empty).unwrap().file_name,
        "b.xlsx"
    );
    // … but is what that tab itself reloads, and what a new tab gets when nothing else is left.
    assert_eq!(
        starting_slot("p#c", &with_empty).unwrap().origin,
        Origin::None
    );
    let empty = vec![("p#c".to_string(), Journal::default())];
    assert_eq!(starting_slot("p#new", &empty).unwrap().origin, Origin::None);
}

#[test]
fn the_newest_slots_are_kept_and_the_own_slot_always() {
    let saved: Vec<(String, Journal)> = (0..7)
        .map(|i| (format!("p#{i}"), journal("x", f64::from(i) * 100.0)))
        .collect();
    // Tab 0 wrote last (its journal here is the old one: it is kept whatever its time).
    let mut stale = stale_slots("p#0", &saved);
    stale.sort();
    // Kept: p#0 and the SLOTS_KEPT − 1 newest others (6, 5, 4).
    assert_eq!(SLOTS_KEPT, 4);
    assert_eq!(stale, ["p#1", "p#2", "p#3"]);
    assert!(stale_slots("p#0", &saved[..3]).is_empty());
}
