//! Find: Ctrl+F opens the page's own find box; Enter / Shift+Enter go to the next / previous
//! cell that shows the text, over every row a filter leaves, scrolled into the middle of the
//! view (the grid is virtualised, so the browser's own find cannot reach most rows).

use super::ctx::{Grid, Pos};
use crate::ui::i18n::grid_texts;
use crate::ui::state::find::{find_all, next_match};
use leptos::prelude::*;

/// The find box and its state; Ctrl+F anywhere on the page opens it.
pub fn find_bar(g: Grid) -> impl IntoView {
    let (open, set_open) = signal(false);
    let (count, set_count) = signal(None::<(usize, usize)>);
    let input = NodeRef::<leptos::html::Input>::new();
    // The matches are listed once per query and plan state.
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        g.model.track();
        g.results.track();
        g.body.track();
        generation.update_value(|n| *n += 1);
    });
    let cache = StoredValue::new((String::new(), 0_u64, Vec::<Pos>::new()));
    let open_find = move || {
        set_open.set(true);
        request_animation_frame(move || {
            if let Some(input) = input.get_untracked() {
                let _ = input.focus();
                input.select();
            }
        });
    };
    let close = move || {
        set_open.set(false);
        set_count.set(None);
        g.focus();
    };
    let find_step = move |forward: bool| {
        let query = input.get_untracked().map(|i| i.value()).unwrap_or_default();
        let gen = generation.get_value();
        let stale = cache.with_value(|(q, n, _)| *q != query || *n != gen);
        if stale {
            let mut found = g
                .peek(|sheet, gm, res| find_all(gm, sheet, res, &query))
                .unwrap_or_default();
            // Only the rows a filter leaves.
            g.body
                .with_untracked(|b| found.retain(|&(r, _)| b.index_of(r).is_some()));
            cache.set_value((query, gen, found));
        }
        let found = cache.with_value(|(_, _, matches)| {
            let i = next_match(matches, g.active.get_untracked(), forward)?;
            Some((i, matches.len(), *matches.get(i)?))
        });
        match found {
            Some((i, total, pos)) => {
                g.go_to(pos, false, true);
                set_count.set(Some((i + 1, total)));
            }
            None => set_count.set(Some((0, 0))),
        }
    };
    let ctrl_f = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() && ev.key().eq_ignore_ascii_case("f") {
            ev.prevent_default();
            open_find();
        }
    });
    on_cleanup(move || ctrl_f.remove());
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        match ev.key().as_str() {
            "Enter" => find_step(!ev.shift_key()),
            "Escape" => close(),
            _ => return,
        }
        ev.prevent_default();
        ev.stop_propagation();
    };
    let lang = g.lang;
    view! {
        <Show when=move || open.get()>
            <div class="find-bar" data-testid="find-bar" role="search">
                <input
                    type="search"
                    class="find-input"
                    data-testid="find-box"
                    node_ref=input
                    placeholder=move || grid_texts(lang.get()).find_placeholder
                    aria-label=move || grid_texts(lang.get()).find_placeholder
                    on:keydown=on_key
                    on:input=move |_| set_count.set(None)
                />
                <span class="find-count" data-testid="find-count" aria-live="polite">
                    {move || match count.get() {
                        Some((0, _)) => grid_texts(lang.get()).find_none.to_string(),
                        Some((i, n)) => format!("{i}/{n}"),
                        None => String::new(),
                    }}
                </span>
                <button
                    class="button ghost"
                    data-testid="find-prev"
                    title=move || grid_texts(lang.get()).find_prev
                    on:click=move |_| find_step(false)
                >"↑"</button>
                <button
                    class="button ghost"
                    data-testid="find-next"
                    title=move || grid_texts(lang.get()).find_next
                    on:click=move |_| find_step(true)
                >"↓"</button>
                <button
                    class="button ghost"
                    data-testid="find-close"
                    title=move || grid_texts(lang.get()).find_close
                    on:click=move |_| close()
                >"×"</button>
            </div>
        </Show>
    }
}
