import { For, type JSX } from 'solid-js';
import type { TextRange } from '../../../worker/api';
import { highlightSegments } from '../../text/highlight';

/** `text` with the ranges wrapped in <mark>: text nodes only, never HTML. */
export function Highlighted(props: { text: string; ranges?: readonly TextRange[] | undefined }): JSX.Element {
  return (
    <For each={highlightSegments(props.text, props.ranges)}>
      {(segment) => (segment.match ? <mark>{segment.text}</mark> : segment.text)}
    </For>
  );
}
