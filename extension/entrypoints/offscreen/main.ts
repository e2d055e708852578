import { browser } from "wxt/browser";

/** Two tones from WebAudio: no sound file to ship. The background asks for it; this page only plays. */
function chime(): void {
  const audio = new AudioContext();
  [880, 1320].forEach((frequency, i) => {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.08, audio.currentTime + i * 0.12);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.12 + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(audio.currentTime + i * 0.12);
    oscillator.stop(audio.currentTime + i * 0.12 + 0.3);
  });
  setTimeout(() => void audio.close(), 1_000);
}

browser.runtime.onMessage.addListener((message: unknown) => {
  if ((message as { type?: string } | null)?.type === "chime") chime();
});
