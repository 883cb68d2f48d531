// The vault for the app's secrets: the JWT key ring (`jwt-keys`), the pepper ring (`peppers`) and
// the SMTP password (`smtp-password`). The secrets themselves are NOT declared here: a Bicep
// secret needs its value in the template or a parameter, and a redeploy would overwrite a live
// pepper, which makes every stored password unverifiable. An operator creates them once with
// `az keyvault secret set` (infra/README.md, "Create the secrets").
//
// Access is Azure RBAC only (no access policies): the app's identity gets Key Vault Secrets User
// on this vault alone. Purge protection keeps a deleted pepper recoverable for the retention
// period, so a mistaken delete cannot lock every parent and practitioner out for good.

@description('Name of the Key Vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Log Analytics workspace that receives the vault audit log (who read or changed which secret).')
param workspaceId string

@description('Subnet that holds the private endpoints.')
param endpointSubnetId string

@description('Private DNS zone id of privatelink.vaultcore.azure.net.')
param vaultZoneId string

@description('An operator address (CIDR) let in over the internet to create or rotate secrets; empty lets nobody in.')
param operatorIpRange string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // Closed to the internet: the app resolves its Key Vault references through the virtual
    // network and the private endpoint below. An operator who creates or rotates a secret lets
    // their own address in for the task (operatorIpRange, infra/README.md).
    publicNetworkAccess: empty(operatorIpRange) ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
      ipRules: empty(operatorIpRange) ? [] : [
        {
          value: operatorIpRange
        }
      ]
    }
  }
}

resource vaultAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2023-11-01' = {
  name: 'pe-${name}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: endpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'vault'
        properties: {
          privateLinkServiceId: vault.id
          groupIds: [
            'vault'
          ]
        }
      }
    ]
  }
}

resource endpointZone 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'vault'
        properties: {
          privateDnsZoneId: vaultZoneId
        }
      }
    ]
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
