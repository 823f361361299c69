/** Short synthesized tones (no audio file to load): a chime for new escalations, an alarm for floor alerts. */
let ctx: AudioContext | null = null;

/** Plays the chime; silently does nothing when audio is blocked (no user gesture yet). */
export function chime(): void {
  tones([880, 1174.7], 'sine', 0.16);
}

/** Plays a more insistent beep for floor alerts (a long wait, an overdue ticket, an emergency). */
export function alarm(): void {
  tones([988, 740, 988, 740], 'square', 0.2);
}

function tones(freqs: number[], type: OscillatorType, gap: number): void {
  try {
    ctx ??= new AudioContext();
    const now = ctx.currentTime;
    for (const [i, freq] of freqs.entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = type;
      osc.frequency.value = freq;
      const t = now + i * gap;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.18, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.4);
    }
  } catch {
    /* audio unavailable */
  }
}
