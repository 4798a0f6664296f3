// Zhibiao bootstrap (xtask/src/bootstrap.js), appended after the wasm-bindgen glue in the page's one
// module script. It decodes the inlined wasm and starts it asynchronously (WebAssembly.instantiate,
// never a synchronous compile); on failure it shows a message in the page.
{
  const decodeBase64 = (text) => {
    const clean = text.replace(/\s+/g, "");
    if (typeof Uint8Array.fromBase64 === "function") {
      return Uint8Array.fromBase64(clean);
    }
    const binary = atob(clean);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
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
    const bytes = decodeBase64(holder.textContent);
    await __wbg_init({ module_or_path: bytes });
    // The app removes #app-loading when it mounts; this is only a fallback.
    document.getElementById("app-loading")?.remove();
  };

  boot().catch(showBootError);
}
