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
