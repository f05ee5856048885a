/**
 * The asset documents a device hands over (bluesky's RunBundler._pack_external_assets): a Resource
 * or StreamResource learns its run, a StreamDatum learns its descriptor and the events it stands
 * for. Pure: documents in, documents out, the device's own objects left untouched.
 */
import type { AssetDocument, EventDescriptor, StreamDatum, StreamResource } from '../documents.ts';

/** The stream an asset belongs to: its descriptor, and the seq_num its next event would take. */
export interface AssetTarget {
  descriptor: EventDescriptor;
  nextSeqNum: number;
}

/** The data keys of a descriptor whose values are streamed into files by StreamResources. */
export function streamedKeys(descriptor: EventDescriptor): string[] {
  return Object.entries(descriptor.data_keys)
    .filter(([, dk]) => dk.external === 'STREAM:')
    .map(([key]) => key);
}

export class AssetPacker {
  private readonly runStart: string;
  /** StreamResource uid → the data key it streams (for the whole run, as bluesky keeps it). */
  private readonly resourceKeys = new Map<string, string>();

  constructor(runStart: string) {
    this.runStart = runStart;
  }

  /**
   * Adds the packed documents to `docs` one by one, so those before a refused one are still there
   * (bluesky has emitted them by then). Returns how many events each StreamDatum stands for (0
   * when there was none): the stream advances by it.
   */
  pack(
    assets: AssetDocument[],
    target: AssetTarget | null,
    docs: { push(doc: AssetDocument): unknown },
  ): number {
    const streamed = target ? streamedKeys(target.descriptor) : [];
    const received = new Set<string>();
    let width = 0;
    for (const [name, doc] of assets) {
      switch (name) {
        case 'resource':
          docs.push(['resource', { ...doc, run_start: this.runStart }]);
          break;
        case 'datum':
          docs.push(['datum', doc]);
          break;
        case 'stream_resource':
          docs.push(['stream_resource', this.streamResource(doc, streamed)]);
          break;
        case 'stream_datum': {
          const datum = this.streamDatum(doc, target, width);
          received.add(this.resourceKeys.get(doc.stream_resource)!);
          width = datum.indices.stop - datum.indices.start;
          docs.push(['stream_datum', datum]);
          break;
        }
        default:
          throw new Error(
            `Tried to emit an external asset ${name}, acceptable external assets are \`resource\`, \`stream_resource\`, \`datum\`, or \`stream_datum\``,
          );
      }
    }
    // Every streamed key of the stream must advance together, or its events would be torn.
    if (received.size && (received.size !== streamed.length || streamed.some((k) => !received.has(k)))) {
      throw new Error(
        `Received \`stream_datum\` for each of the data_keys ${pySet([...received])}, expected \`stream_datum\` for each of the data_keys ${pySet(streamed)}.`,
      );
    }
    return width;
  }

  private streamResource(doc: StreamResource, streamed: string[]): StreamResource {
    if (this.resourceKeys.has(doc.uid))
      throw new Error(`Received \`stream_resource\` with uid ${doc.uid} twice.`);
    if (!streamed.includes(doc.data_key)) {
      throw new Error(
        `Received a \`stream_resource\` with data_key ${doc.data_key} that is not in the descriptor 'STREAM:' data_keys [${streamed.join(', ')}]`,
      );
    }
    this.resourceKeys.set(doc.uid, doc.data_key);
    return { ...doc, run_start: this.runStart };
  }

  private streamDatum(doc: StreamDatum, target: AssetTarget | null, widthSoFar: number): StreamDatum {
    if (doc.descriptor) {
      throw new Error(
        `Received a \`stream_datum\` ${doc.uid} with a \`descriptor\` uid already filled in, with the value ${doc.descriptor}; it should be an empty string.`,
      );
    }
    if (!target) throw new Error(`\`stream_datum\` ${doc.uid} arrived for no declared stream.`);
    if (!this.resourceKeys.has(doc.stream_resource))
      throw new Error(
        `Received a \`stream_datum\` referring to an unknown stream resource ${doc.stream_resource}`,
      );
    if (doc.seq_nums && (doc.seq_nums.start !== 0 || doc.seq_nums.stop !== 0)) {
      throw new Error(
        `Received \`seq_nums\` ${JSON.stringify(doc.seq_nums)} in stream ${doc.stream_resource}; they are the RunEngine's to fill in and should be {start: 0, stop: 0}.`,
      );
    }
    const width = doc.indices.stop - doc.indices.start;
    if (widthSoFar && widthSoFar !== width) {
      throw new Error(
        `Received \`indices\` ${JSON.stringify(doc.indices)} of width ${width}, unlike the other stream_datum documents of the same collect or save (${widthSoFar}).`,
      );
    }
    const start = target.nextSeqNum;
    return { ...doc, descriptor: target.descriptor.uid, seq_nums: { start, stop: start + width } };
  }
}

/** Key names as Python prints a set of them (bluesky's messages name the keys so). */
export function pySet(keys: string[]): string {
  return `{${keys.map((k) => `'${k}'`).join(', ')}}`;
}
