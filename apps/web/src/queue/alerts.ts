// Opt-in arrival alerts: a short WebAudio chime (no asset) and a desktop notification.
// Both stay off until the user turns them on; the choice is remembered in localStorage.
import { useCallback, useState } from "react";

export type TAlertPreferences = { isSoundOn: boolean; isDesktopOn: boolean };

const STORAGE_KEY = "handoff.queue.alerts";

/** Why desktop alerts stayed off, per the browser's answer to the permission request. */
const DESKTOP_REFUSALS: Record<NotificationPermission, string | null> = {
  granted: null,
  denied:
    "Desktop alerts are off: notifications are blocked for this site. Allow them in the browser's site settings, then turn alerts on again.",
  default:
    "Desktop alerts are off: the browser's question was dismissed. Turn them on again and choose Allow.",
};
let audioContext: AudioContext | null = null;

function readPreferences(): TAlertPreferences {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}") as Partial<TAlertPreferences>;
    const canNotify = "Notification" in window && Notification.permission === "granted";
    return { isSoundOn: stored.isSoundOn === true, isDesktopOn: stored.isDesktopOn === true && canNotify };
  } catch {
    return { isSoundOn: false, isDesktopOn: false };
  }
}

export function useAlertPreferences() {
  const [preferences, setPreferences] = useState(readPreferences);

  const save = useCallback((next: TAlertPreferences) => {
    setPreferences(next);
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  }, []);

  const toggleSound = useCallback(() => {
    const isSoundOn = !preferences.isSoundOn;
    // Browsers only allow audio started from a user gesture: create the context on this click.
    if (isSoundOn) {
      audioContext ??= new AudioContext();
      void audioContext.resume();
    }
    save({ ...preferences, isSoundOn });
  }, [preferences, save]);

  const [desktopProblem, setDesktopProblem] = useState<string | null>(null);
  const toggleDesktop = useCallback(async () => {
    setDesktopProblem(null);
    if (preferences.isDesktopOn) return save({ ...preferences, isDesktopOn: false });
    if (!("Notification" in window)) return;
    const permission = await Notification.requestPermission();
    setDesktopProblem(DESKTOP_REFUSALS[permission]);
    save({ ...preferences, isDesktopOn: permission === "granted" });
  }, [preferences, save]);

  return { preferences, toggleSound, toggleDesktop, desktopProblem, canNotify: "Notification" in window };
}

export function playChime(): void {
  audioContext ??= new AudioContext();
  const context = audioContext;
  const start = context.currentTime;
  for (const [offset, frequency] of [
    [0, 880],
    [0.14, 1175],
  ] as const) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.3);
  }
}

export function showDesktopNotification(title: string, body: string, onClick: () => void): void {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const notification = new Notification(title, { body, tag: "handoff-escalation" });
  notification.onclick = () => {
    window.focus();
    onClick();
    notification.close();
  };
}
