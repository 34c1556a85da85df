// Issue 12: the config a Lambda runs with: the one compiled into it, with the live part of the last
// `cfm config push` laid over it (functions/domain/live-config.ts). Read from the table at most once per cache
// period (CFM_CONFIG_CACHE_SECONDS, 60 by default) and before an invocation, never in the middle of one. A
// version that does not fit the deployed procedure, or a table that cannot be read, leaves the last good
// config in force: an error is logged (the ConfigRejected metric and alarm for a rejected version).
import type { OrgConfig } from "../domain/config-schema.ts";
import { overlay } from "../domain/live-config.ts";
import type { StoredConfig } from "../store/config-store.ts";
import { log } from "./logger.ts";
import { emitMetric } from "./metrics.ts";

export const DEFAULT_CONFIG_CACHE_SECONDS = 60;

export interface LiveConfigOptions {
  /** How long a read is trusted before the next invocation reads again. */
  ttlMs: number;
  /** Milliseconds now (virtual time locally). */
  clock?: () => number;
}

// Problems may name staff addresses: logs carry none.
const redact = (problem: string) => problem.replace(/[^\s"]+@[^\s"]+/g, "<address>");

export class LiveConfigCache {
  #config: OrgConfig;
  #version = 0;
  #digest: string | null = null;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<void> | undefined;
  readonly #rejected = new Set<string>();
  readonly #clock: () => number;

  constructor(
    private readonly compiled: OrgConfig,
    private readonly read: () => Promise<StoredConfig | null>,
    private readonly options: LiveConfigOptions,
  ) {
    this.#config = compiled;
    this.#clock = options.clock ?? Date.now;
  }

  /** The config in force in this container. */
  get config(): OrgConfig {
    return this.#config;
  }

  /** The pushed version in force (0: the deployed config, no push applied). */
  get version(): number {
    return this.#version;
  }

  /** Reads the live config again if the cache period has passed (or `force`); concurrent calls share one read. */
  async refresh(force = false): Promise<void> {
    if (!force && this.#clock() - this.#checkedAt < this.options.ttlMs) return;
    this.#pending ??= this.#load().finally(() => {
      this.#pending = undefined;
    });
    await this.#pending;
  }

  async #load(): Promise<void> {
    let stored: StoredConfig | null;
    try {
      stored = await this.read();
    } catch (error) {
      // Try again at the next invocation; until then the config in force stays.
      log("ERROR", "live config unreadable, the version in force stays", {
        version: this.#version,
        error: (error as Error).name,
        detail: redact((error as Error).message).slice(0, 300),
      });
      if ((error as Error).name === "StoredConfigError") emitMetric("ConfigRejected");
      return;
    }
    this.#checkedAt = this.#clock();
    if (!stored) {
      this.#config = this.compiled;
      this.#version = 0;
      this.#digest = null;
      return;
    }
    if (stored.digest === this.#digest) {
      this.#version = stored.version;
      return;
    }
    const result = overlay(this.compiled, stored.live);
    if (!result.ok) {
      if (!this.#rejected.has(stored.digest)) {
        this.#rejected.add(stored.digest);
        log(
          "ERROR",
          "live config rejected: it does not fit the deployed procedure; the version in force stays",
          {
            rejected: stored.version,
            version: this.#version,
            problems: result.problems.map(redact).slice(0, 20),
          },
        );
        emitMetric("ConfigRejected");
      }
      return;
    }
    this.#config = result.config;
    this.#version = stored.version;
    this.#digest = stored.digest;
  }
}

export function cacheMsFromEnv(): number {
  const raw = process.env.CFM_CONFIG_CACHE_SECONDS;
  const seconds = raw === undefined || raw === "" ? DEFAULT_CONFIG_CACHE_SECONDS : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_CONFIG_CACHE_SECONDS * 1000;
}
