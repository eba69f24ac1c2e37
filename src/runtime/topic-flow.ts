/**
 * What flowed through a session's topics, told when it shuts down: per topic, the messages published
 * and delivered, the bytes, and any lost or refused; the ether/ topics aside.
 *
 * @example
 *   flowLine({ name: "data", published: 12000, bytes: 768000, delivered: 24000, dropped: 0, invalid: 0,
 *              rejected: 0, subscribers: ["processor2x", "processor4x"] });
 *   // 'topic "data": 12,000 published (750 KiB), 24,000 delivered to processor2x, processor4x'
 */

/** One topic's counts over the session (all its rings). */
export interface TopicFlow {
  readonly name: string;
  /** Messages published on it. */
  readonly published: number;
  /** Bytes of those messages. */
  readonly bytes: number;
  /** Messages handed to its readers, each reader counted (so up to published × readers). */
  readonly delivered: number;
  /** Messages readers missed under drop-oldest. */
  readonly dropped: number;
  /** Messages readers found invalid (not handed to a handler; sent to ether/dead-letter). */
  readonly invalid: number;
  /** Publishes a full ring refused: under reject, or under block once a stopping host gave up waiting. */
  readonly rejected: number;
  /** Instances that subscribe to it, in config order. */
  readonly subscribers: readonly string[];
}

const count = (n: number): string => n.toLocaleString("en-US");

/** A byte count rounded for people: `512 bytes`, `750 KiB`, `1.2 MiB`. */
export function approxBytes(bytes: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : Number(value.toPrecision(2))} ${units[unit]}`;
}

/** One line saying what flowed through a topic, with its losses when it had any. */
export function flowLine(flow: TopicFlow): string {
  let line = `topic "${flow.name}": ${count(flow.published)} published (${approxBytes(flow.bytes)}), `;
  if (flow.subscribers.length > 0) line += `${count(flow.delivered)} delivered to ${flow.subscribers.join(", ")}`;
  else if (flow.delivered > 0) line += `${count(flow.delivered)} delivered to readers outside the config's instances`;
  else line += "no subscriber";
  const lost = [
    flow.dropped > 0 ? `${count(flow.dropped)} dropped (drop-oldest)` : "",
    flow.invalid > 0 ? `${count(flow.invalid)} invalid` : "",
    flow.rejected > 0 ? `${count(flow.rejected)} not published (ring full)` : "",
  ].filter((s) => s !== "");
  if (lost.length > 0) line += `; ${lost.join(", ")}`;
  return line;
}
