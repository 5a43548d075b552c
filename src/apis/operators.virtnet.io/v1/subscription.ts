// operators.virtnet.io/v1 Subscription: a request to install a package from the catalog and keep it at
// the channel's latest version, shaped as OLM's operators.coreos.com/v1alpha1 Subscription
// (operator-framework/api pkg/operators/v1alpha1/subscription_types.go; CRD columns Package, Source,
// Channel; short names sub, subs; category olm).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { arr, bool, dateTime, obj, opt, preserveObject, str, strEnum } from '../../field-types.js';
import { kindSchema } from '../../meta.js';
import { OPERATORS_GROUP } from '../names.js';

export const subscriptionConditionSchema = obj({
  type: str('Type is the type of Subscription condition.'),
  status: str('Status is the status of the condition, one of True, False, Unknown.'),
  reason: opt(str('Reason is a one-word CamelCase reason for the condition\'s last transition.')),
  message: opt(str('Message is a human-readable message indicating details about last transition.')),
  lastHeartbeatTime: opt(dateTime('LastHeartbeatTime is the last time we got an update on a given condition')),
  lastTransitionTime: opt(dateTime('LastTransitionTime is the last time the condition transit from one status to another')),
}, 'SubscriptionCondition represents the latest available observations of a Subscription\'s state.');

export const subscriptionSchema = kindSchema('Subscription keeps operators up to date by tracking changes to Catalogs.', {
  spec: obj({
    name: str('The name of the package to subscribe to.'),
    source: str('The name of the catalog source the package comes from.'),
    sourceNamespace: str('The namespace of the catalog source.'),
    channel: opt(str('The channel of updates to subscribe to; the package\'s default channel when empty.')),
    startingCSV: opt(str('The ClusterServiceVersion to install first.')),
    installPlanApproval: opt(strEnum(['Automatic', 'Manual'], 'Approval is the user approval policy for an InstallPlan. It must be one of "Automatic" or "Manual".')),
    config: opt(preserveObject('SubscriptionConfig contains configuration specified for a subscription.')),
  }, 'SubscriptionSpec defines an Application that can be installed'),
  status: opt(obj({
    currentCSV: opt(str('CurrentCSV is the CSV the Subscription is progressing to.')),
    installedCSV: opt(str('InstalledCSV is the CSV currently installed by the Subscription.')),
    state: opt(strEnum(['', 'UpgradeAvailable', 'UpgradePending', 'AtLatestKnown', 'UpgradeFailed'], 'State represents the current state of the Subscription')),
    reason: opt(str('Reason is the reason the Subscription was transitioned to its current state.')),
    catalogHealth: opt(arr(obj({
      catalogSourceRef: preserveObject('CatalogSourceRef is a reference to a CatalogSource.'),
      healthy: bool('Healthy is true if the CatalogSource is healthy; false otherwise.'),
      lastUpdated: dateTime('LastUpdated represents the last time that the CatalogSourceHealth changed'),
    }, 'SubscriptionCatalogHealth describes the health of a CatalogSource the Subscription knows about.'), 'CatalogHealth contains the Subscription\'s view of its relevant CatalogSources\' status. It is used to determine SubscriptionStatusConditions related to CatalogSources.')),
    conditions: opt(arr(subscriptionConditionSchema, 'Conditions is a list of the latest available observations about a Subscription\'s current state.')),
    lastUpdated: opt(dateTime('LastUpdated represents the last time that the Subscription status was updated.')),
  }, 'SubscriptionStatus contains information about the state of the Subscription.')),
});

export type Subscription = Static<typeof subscriptionSchema>;

export const subscriptionKind: KindDef = {
  group: OPERATORS_GROUP,
  versions: ['v1'],
  kind: 'Subscription',
  listKind: 'SubscriptionList',
  plural: 'subscriptions',
  singular: 'subscription',
  namespaced: true,
  shortNames: ['sub', 'subs'],
  categories: ['olm'],
  schema: subscriptionSchema,
  openapiName: 'io.virtnet.operators.v1.Subscription',
  subresources: { status: true },
  printerColumns: [
    { name: 'Package', type: 'string', jsonPath: '.spec.name', description: 'The package subscribed to' },
    { name: 'Source', type: 'string', jsonPath: '.spec.source', description: 'The catalog source for the specified package' },
    { name: 'Channel', type: 'string', jsonPath: '.spec.channel', description: 'The channel of updates to subscribe to' },
  ],
  fieldSelectors: [],
  nameRule: 'subdomain',
};
