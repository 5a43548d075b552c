// core/v1 Event (k8s.io/api/core/v1 types.go; columns: printers.go printEvent; selectable fields:
// pkg/registry/core/event/strategy.go ToSelectableFields).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { KubeObject } from '../../../common/object.js';
import { isPlainObject } from '../../../common/object.js';
import { ageSince } from '../../../common/duration.js';
import { dateTime, int32, obj, objectReference, opt, str } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES } from '../../meta.js';
import { field, stringField } from '../../printer-columns.js';

export const eventSchema = kindSchema('Event is a report of an event somewhere in the cluster.  Events have a limited retention time and triggers and messages may evolve with time.  Event consumers should not rely on the timing of an event with a given Reason reflecting a consistent underlying trigger, or the continued existence of events with that Reason.  Events should be treated as informative, best-effort, supplemental data.', {
  action: opt(str('What action was taken/failed regarding to the Regarding object.')),
  count: opt(int32('The number of times this event has occurred.')),
  eventTime: opt(dateTime('Time when this Event was first observed.')),
  firstTimestamp: opt(dateTime('The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)')),
  involvedObject: opt(objectReference('The object that this event is about.')),
  lastTimestamp: opt(dateTime('The time at which the most recent occurrence of this event was recorded.')),
  message: opt(str('A human-readable description of the status of this operation.')),
  reason: opt(str("This should be a short, machine understandable string that gives the reason for the transition into the object's current status.")),
  related: opt(objectReference('Optional secondary object for more complex actions.')),
  reportingComponent: opt(str('Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.')),
  reportingInstance: opt(str('ID of the controller instance, e.g. `kubelet-xyzf`.')),
  series: opt(obj({
    count: opt(int32('Number of occurrences in this series up to the last heartbeat time')),
    lastObservedTime: opt(dateTime('Time of the last occurrence observed')),
  }, 'Data about the Event series this event represents or nil if it\'s a singleton Event.')),
  source: opt(obj({
    component: opt(str('Component from which the event is generated.')),
    host: opt(str('Node name on which the event is generated.')),
  }, 'The component reporting this event. Should be a short machine understandable string.')),
  type: opt(str('Type of this event (Normal, Warning), new types could be added in the future')),
});

export type Event = Static<typeof eventSchema>;

/** formatEventSource: "component, host", falling back to reportingController/Instance; "<unknown>". */
export function eventSource(o: KubeObject): string {
  const component = stringField(o, 'source', 'component') || stringField(o, 'reportingComponent');
  const instance = stringField(o, 'source', 'host') || stringField(o, 'reportingInstance');
  if (component === '') return '<unknown>';
  return instance === '' ? component : `${component}, ${instance}`;
}

function firstSeen(o: KubeObject, now: Date): string {
  const first = stringField(o, 'firstTimestamp');
  return first !== '' ? ageSince(first, now) : ageSince(stringField(o, 'eventTime') || undefined, now);
}

function lastSeen(o: KubeObject, now: Date): string {
  if (isPlainObject(field(o, 'series'))) return ageSince(stringField(o, 'series', 'lastObservedTime') || undefined, now);
  const last = stringField(o, 'lastTimestamp');
  return last !== '' ? ageSince(last, now) : firstSeen(o, now);
}

function eventCount(o: KubeObject): number {
  const series = field(o, 'series', 'count');
  if (isPlainObject(field(o, 'series'))) return typeof series === 'number' ? series : 0;
  const c = field(o, 'count');
  return typeof c === 'number' && c !== 0 ? c : 1;
}

/** OBJECT: `<lowercased kind>/<name>`. */
export function eventObject(o: KubeObject): string {
  const kind = stringField(o, 'involvedObject', 'kind').toLowerCase();
  const name = stringField(o, 'involvedObject', 'name');
  return name === '' ? kind : `${kind}/${name}`;
}

const involved = (k: string) => (o: KubeObject): string => stringField(o, 'involvedObject', k);

export const eventKind: KindDef = {
  group: '',
  versions: ['v1'],
  kind: 'Event',
  listKind: 'EventList',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  schema: eventSchema,
  openapiName: 'io.k8s.api.core.v1.Event',
  subresources: { status: false },
  // Upstream's event table has no leading Name column: its Name comes last, in -o wide.
  printerColumns: [
    { name: 'Last Seen', type: 'string', cell: lastSeen, description: 'The time at which the most recent occurrence of this event was recorded.' },
    { name: 'Type', type: 'string', jsonPath: '.type', description: 'Type of this event (Normal, Warning), new types could be added in the future' },
    { name: 'Reason', type: 'string', jsonPath: '.reason', description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status." },
    { name: 'Object', type: 'string', cell: eventObject, description: 'The object that this event is about.' },
    { name: 'Subobject', type: 'string', priority: 1, jsonPath: '.involvedObject.fieldPath', description: 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.' },
    { name: 'Source', type: 'string', priority: 1, cell: eventSource, description: 'The component reporting this event. Should be a short machine understandable string.' },
    { name: 'Message', type: 'string', cell: (o) => stringField(o, 'message').trim(), description: 'A human-readable description of the status of this operation.' },
    { name: 'First Seen', type: 'string', priority: 1, cell: firstSeen, description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)' },
    { name: 'Count', type: 'string', priority: 1, cell: eventCount, description: 'The number of times this event has occurred.' },
    { name: 'Name', type: 'string', priority: 1, format: 'name', jsonPath: '.metadata.name', description: 'Name must be unique within a namespace.' },
  ],
  strategicMerge: [...METADATA_STRATEGIC_RULES],
  fieldSelectors: [
    { field: 'involvedObject.kind', value: involved('kind') },
    { field: 'involvedObject.namespace', value: involved('namespace') },
    { field: 'involvedObject.name', value: involved('name') },
    { field: 'involvedObject.uid', value: involved('uid') },
    { field: 'involvedObject.apiVersion', value: involved('apiVersion') },
    { field: 'involvedObject.resourceVersion', value: involved('resourceVersion') },
    { field: 'involvedObject.fieldPath', value: involved('fieldPath') },
    { field: 'reason', value: (o) => stringField(o, 'reason') },
    { field: 'reportingComponent', value: (o) => stringField(o, 'reportingComponent') },
    { field: 'source', value: (o) => stringField(o, 'source', 'component') || stringField(o, 'reportingComponent') },
    { field: 'type', value: (o) => stringField(o, 'type') },
  ],
  nameRule: 'subdomain',
};
