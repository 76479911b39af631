// How sizes and times read in the listing (the file browser's conventions).
import { Time } from '@jupyterlab/coreutils';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 1536 -> '1.5 KB' (powers of 1024, like JupyterLab's file browser). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return '';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export interface IModifiedText {
  /** '3 minutes ago' */
  text: string;
  /** '3m ago', for a narrow panel */
  narrow: string;
  /** The exact local time, for the title attribute. */
  title: string;
}

/** How a modification (or creation) time reads in the listing. */
export function formatModified(iso: string | undefined): IModifiedText {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) {
    return { text: '', narrow: '', title: '' };
  }
  return {
    text: Time.formatHuman(date),
    narrow: Time.formatHuman(date, 'narrow'),
    title: date.toLocaleString()
  };
}

/** Seconds left, as the Transfers panel says it: '45 s', '3 min 20 s', '2 h 5 min'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return '';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    const rest = s % 60;
    return `${Math.floor(s / 60)} min${rest ? ` ${rest} s` : ''}`;
  }
  const minutes = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}
