// The lab guide's NodeNetworkConfigurationPolicy (lab-guide.ja.md), verbatim: the selector's value carries the
// guide's trailing space, and `ipv4.enabled: false` sits beside an address and `dhcp: true`.
export const GUIDE_NNCP_YAML = `apiVersion: nmstate.io/v1
kind: NodeNetworkConfigurationPolicy
metadata:
  name: create-br0-static
spec:
  nodeSelector:
    node-type: baremetal 
  desiredState:
    interfaces:
      - name: br0
        type: linux-bridge
        state: up
        ipv4:
          enabled: false
          address:
            - ip: 192.168.95.1
              prefix-length: 24
          dhcp: true
        bridge:
          options:
            stp:
              enabled: false
`;

/** The guide's NAD `flatnetwork` on the bare-metal nodes' br-flat, as the console's Linux bridge form writes it. */
export const guideFlatNadYaml = (ns: string): string => `apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: flatnetwork
  namespace: ${ns}
  annotations:
    description: CNV Linux Bridge
    k8s.v1.cni.cncf.io/resourceName: bridge.network.kubevirt.io/br-flat
spec:
  config: '{"cniVersion":"0.3.1","name":"flatnetwork","type":"bridge","bridge":"br-flat","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false}'
`;

/** The guide's step 2: the NMState operator's Subscription (namespace openshift-nmstate must exist). */
export const NMSTATE_SUBSCRIPTION_YAML = `apiVersion: operators.virtnet.io/v1
kind: Subscription
metadata:
  name: kubernetes-nmstate-operator
  namespace: openshift-nmstate
spec:
  name: kubernetes-nmstate-operator
  channel: stable
  source: virtnet-operators
  sourceNamespace: openshift-marketplace
`;
