import { translator } from "../../lib/i18n";

/**
 * The translation feature's words, in English and 中文. They live beside the feature (through i18n's `translator`,
 * which follows the panel's language switch) so they load with it, not with every opening of the side panel.
 */
const en = {
  unsupported: "This browser cannot translate messages on this device: Chrome's built-in Translator or Language Detector is missing or switched off. Everything else works.",
  dismiss: "Dismiss",
  pair: "{from} → {to} · on this device",
  show: "Show translations",
  translatedFrom: "Translated from {from} · on this device",
  translating: "Translating…",
  failed: "Could not translate this message.",
  download: "Download translation for {from} → {to}",
  downloading: "Downloading translation for {from} → {to}…",
  downloadDetector: "Download language detection",
  downloadingDetector: "Downloading language detection…",
  downloadFailed: "The download did not finish ({reason}). Try again.",
  clickAgain: "Click again to start the download.",
  unavailable: "This browser cannot translate {from} into {to}.",
  draftButton: "Translate draft to {to}",
  draftTitle: "Translation to {to} · on this device",
  sendTranslation: "Send translation",
  sendOriginal: "Send original",
  draftChanged: "The draft changed since it was translated.",
  translateAgain: "Translate again",
  closeDraft: "Close the translation",
};

const zh: Record<keyof typeof en, string> = {
  unsupported: "此浏览器无法在本机翻译消息：缺少 Chrome 内置的翻译器或语言检测，或已被关闭。其他功能照常可用。",
  dismiss: "关闭提示",
  pair: "{from} → {to} · 在本机翻译",
  show: "显示译文",
  translatedFrom: "译自{from} · 在本机翻译",
  translating: "正在翻译…",
  failed: "无法翻译此消息。",
  download: "下载 {from} → {to} 翻译模型",
  downloading: "正在下载 {from} → {to} 翻译模型…",
  downloadDetector: "下载语言检测模型",
  downloadingDetector: "正在下载语言检测模型…",
  downloadFailed: "下载未完成（{reason}），请重试。",
  clickAgain: "请再点击一次以开始下载。",
  unavailable: "此浏览器无法将{from}翻译成{to}。",
  draftButton: "将草稿翻译成{to}",
  draftTitle: "{to}译文 · 在本机翻译",
  sendTranslation: "发送译文",
  sendOriginal: "发送原文",
  draftChanged: "草稿在翻译后已修改。",
  translateAgain: "重新翻译",
  closeDraft: "关闭译文",
};

export const s = translator({ en, zh });
