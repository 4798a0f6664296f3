// Zhibiao bootstrap (xtask/src/bootstrap.js), appended after the wasm-bindgen glue in the page's one
// module script. The data block #zhibiao-wasm holds the wasm module deflated (zlib format) and
// base64-encoded (xtask/src/html.rs): this decodes it, inflates it with the browser's own
// DecompressionStream and compiles it as it streams in (WebAssembly.instantiateStreaming via the
// glue; never a synchronous compile). On failure it shows a message in the page.
//
// The same script also runs as the page's export worker (src/ui/worker.rs starts it as a classic
// script from a blob: URL of this module's text; xtask/src/html.rs drops the glue's exports): there, with no document, it waits for a job, starts the wasm
// module the page posts, and runs `export_in_worker` from the glue.
{
  // One native decode of the whole block; both decoders skip the ASCII whitespace themselves.
  const decodeBase64 = (text) => {
    if (typeof Uint8Array.fromBase64 === "function") {
      return Uint8Array.fromBase64(text);
    }
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  };

  // The module as a Response that inflates as it is read: the glue hands a Response to
  // WebAssembly.instantiateStreaming, which wants the wasm MIME type.
  const inflate = (deflated) => {
    if (typeof DecompressionStream !== "function") {
      throw new Error("此浏览器不支持 DecompressionStream");
    }
    const stream = new Blob([deflated]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream, { headers: { "Content-Type": "application/wasm" } });
  };

  const showBootError = (error) => {
    console.error("Zhibiao could not start:", error);
    let box = document.getElementById("app-loading");
    if (!box) {
      box = document.createElement("div");
      document.body.prepend(box);
    }
    box.id = "app-boot-error";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "boot-error");
    const reason = error && error.message ? error.message : String(error);
    box.textContent =
      "指标 Zhibiao 无法启动：" + reason +
      "。此文件可能已损坏，或浏览器版本过旧：请用最新版的 Chrome、Edge、Firefox 或 Safari 打开。";
  };

  const boot = async () => {
    const holder = document.getElementById("zhibiao-wasm");
    if (!holder || !holder.textContent) {
      throw new Error("页面中缺少程序数据（#zhibiao-wasm）");
    }
    const module = inflate(decodeBase64(holder.textContent));
    await __wbg_init({ module_or_path: module });
    // The app removes #app-loading when it mounts; this is only a fallback.
    document.getElementById("app-loading")?.remove();
  };

  // In the worker: one job per worker. `failed` carries the export's message for the user;
  // `broken` means the page should export by itself.
  const serveExport = () => {
    const reason = (error) => String(error && error.message ? error.message : error);
    self.onmessage = async ({ data }) => {
      try {
        await __wbg_init({ module_or_path: data.module });
      } catch (error) {
        self.postMessage({ broken: reason(error) });
        return;
      }
      const progress = (stage, fraction) => self.postMessage({ progress: [stage, fraction] });
      try {
        const bytes = await export_in_worker(data.journal, data.file, data.session, data.created, progress);
        self.postMessage({ done: bytes }, [bytes.buffer]);
      } catch (error) {
        self.postMessage(typeof error === "string" ? { failed: error } : { broken: reason(error) });
      }
    };
  };

  if (typeof document === "undefined") {
    serveExport();
  } else {
    boot().catch(showBootError);
  }
}
