/** What Linux's /proc says about processes: who belongs to whom, memory and CPU. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  /** The executable's name as the kernel keeps it (/proc/<pid>/comm, at most 15 characters). */
  name: string;
  ppid: number;
  /** Process group. */
  pgid: number;
  /** One letter: R running, S sleeping, Z zombie… */
  state: string;
  /** User plus system CPU time so far, in seconds. */
  cpuSeconds: number;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux that Node runs on). */
const TICKS_PER_SECOND = 100;

/** One process, or undefined once it has exited. */
export function processInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // After "pid (command)" — the command may hold spaces — come: state ppid pgrp … utime (14th) stime (15th).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    state: fields[0] as string,
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
  };
}

/** Every process on the machine (those that exit while they are read are left out). */
export function allProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => processInfo(Number(entry)))
    .filter((info): info is ProcessInfo => info !== undefined);
}

/** `root` and everything it started, however deep (detached process groups included). */
export function processTree(root: number, processes = allProcesses()): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const info of processes) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  const tree: ProcessInfo[] = [];
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      tree.push(child);
      visit(child.pid);
    }
  };
  const self = processes.find((info) => info.pid === root);
  if (self) tree.push(self);
  visit(root);
  return tree;
}

/** Resident memory in KiB (VmRSS): what `ps` and `top` show; pages shared with others count in full. */
export function rssKiB(pid: number): number {
  return memoryStatus(pid).rssKiB;
}

/** Resident memory now and at its peak (VmHWM), in KiB, and the thread count (workers, libuv's pool…). */
export function memoryStatus(pid: number): { rssKiB: number; peakKiB: number; threads: number } {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // exited: zeros
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM'), threads: field('Threads') };
}

/**
 * Proportional memory in KiB (Pss): each shared page split among the processes sharing it,
 * so the sum over processes is what they take together (Chromium's processes share much).
 */
export function pssKiB(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The command line, arguments joined by spaces. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
