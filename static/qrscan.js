// Camera QR scanning for the wallet and counter pages, decoded in the browser:
// BarcodeDetector where the browser has one, else jsQR (from npm, static/vendor/jsQR.js),
// else an optional fallback (the counter's server decode). Nothing leaves the device unless
// that fallback is given. Exposes window.WalletQrScan.
"use strict";

(() => {
  const JSQR_INTERVAL_MS = 120;
  const FALLBACK_INTERVAL_MS = 700;

  async function barcodeDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch (_) {
      return null;
    }
  }

  function frame(video, canvas, maxSide) {
    const scale = Math.min(1, maxSide / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
    canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    return context;
  }

  /** The decoder this browser has: {name, decode(video, canvas) → Promise<string[]>}. */
  async function pickDecoder(fallback) {
    const detector = await barcodeDetector();
    if (detector) {
      return { name: "barcode-detector", interval: JSQR_INTERVAL_MS,
        decode: async (video) => (await detector.detect(video)).map((c) => c.rawValue || "") };
    }
    if (typeof window.jsQR === "function") {
      return { name: "jsqr", interval: JSQR_INTERVAL_MS, decode: async (video, canvas) => {
        const context = frame(video, canvas, 800);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = window.jsQR(image.data, image.width, image.height,
          { inversionAttempts: "dontInvert" });
        return found && found.data ? [found.data] : [];
      } };
    }
    if (fallback) {
      return { name: "server", interval: FALLBACK_INTERVAL_MS, decode: async (video, canvas) => {
        frame(video, canvas, 960);
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
        const text = blob ? await fallback(blob) : null;
        return text ? [text] : [];
      } };
    }
    return null;
  }

  /**
   * Start the camera into `video` and call `onText(text)` once for the first text that
   * `accept(text)` likes. Returns {stop(), decoder} or throws Error with a plain message.
   */
  async function start({ video, canvas, accept, onText, fallback }) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("This browser gives no camera access.");
    }
    const decoder = await pickDecoder(fallback);
    if (!decoder) throw new Error("This browser cannot read QR codes.");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(
        { video: { facingMode: "environment", width: { ideal: 1280 } }, audio: false });
    } catch (error) {
      throw new Error(error && error.name === "NotAllowedError"
        ? "The camera was not allowed." : "No camera is available.");
    }
    let running = true;
    let timer = null;
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    const stop = () => {
      running = false;
      clearTimeout(timer);
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
      video.hidden = true;
    };
    const tick = async () => {
      if (!running) return;
      let texts = [];
      try {
        if (video.readyState >= 2 && video.videoWidth) texts = await decoder.decode(video, canvas);
      } catch (_) {
        texts = [];
      }
      if (!running) return;
      const hit = texts.find((text) => accept(text));
      if (hit) {
        stop();
        onText(hit);
        return;
      }
      timer = setTimeout(tick, decoder.interval);
    };
    // first look after the caller has the handle (a hit may come on the very first frame)
    timer = setTimeout(tick, 0);
    return { stop, decoder: decoder.name };
  }

  window.WalletQrScan = { start };
})();
